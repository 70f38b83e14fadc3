using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Questra.Web.Data;
using Questra.Web.Features.Organizations;
using static Microsoft.Playwright.Assertions;

namespace Questra.Web.Tests.EndToEnd;

/// <summary>
/// The invitation journey, from the mail's one link to inside the inviting organization: for a newcomer (register,
/// confirm, sign in, accept; no organization of their own is made) and for someone who has an account already.
/// </summary>
public sealed class InvitationBrowserTests(DevMailBrowserHost host) : IClassFixture<DevMailBrowserHost>
{
    private const string Password = "Invite-me-9-times";

    private async Task<string> ConfirmedUserAsync(string email, bool ownOrganization)
    {
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().CreateAsync(user, Password)).Succeeded);
        if (ownOrganization) return (await scope.ServiceProvider.GetRequiredService<OrganizationService>().CreatePersonalOrganizationAsync(user.Id, email.Split('@')[0])).Id;
        return user.Id;
    }

    // The owner signs in and invites from Settings.
    private async Task InviteAsync(string ownerEmail, string invitee)
    {
        var ownerTab = await host.NewPageAsync();
        await BrowserSteps.LogInAsync(ownerTab, ownerEmail, Password);
        await Expect(ownerTab.GetByRole(AriaRole.Heading, new() { Name = "Surveys", Exact = true })).ToBeVisibleAsync();
        await BrowserSteps.GotoInteractiveAsync(ownerTab, "/settings");
        await ownerTab.GetByTestId("invite-email").FillAsync(invitee);
        await ownerTab.GetByTestId("invite-submit").ClickAsync();
        await Expect(ownerTab.GetByTestId("pending-invitations")).ToContainTextAsync(invitee);
        await BrowserHost.ScreenshotAsync(ownerTab, "60-invite-sent");
    }

    // The invitation mail's one link, from /dev/mail.
    private static async Task<string> JoinLinkAsync(IPage page, string invitee, string organization)
    {
        await page.GotoAsync("/dev/mail");
        var mail = page.GetByTestId("dev-mail-message").Filter(new() { HasText = invitee }).Filter(new() { HasText = "invites you to" });
        await Expect(mail).ToHaveCountAsync(1);
        return (await mail.GetByRole(AriaRole.Link, new() { Name = $"Join {organization}" }).GetAttributeAsync("href"))!;
    }

    // Accepting drops the invitee into the organization: its name in the bar, their role there, without a reload.
    private async Task AcceptAndLandInsideAsync(IPage page, string invitee, string orgId, string organization)
    {
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/invitations$"));
        await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Expect(page.GetByTestId("invitation")).ToContainTextAsync(organization);
        await BrowserHost.ScreenshotAsync(page, "62-invitations");
        await page.GetByTestId("accept-invitation").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/$"));
        await Expect(page.Locator(".appbar-org")).ToHaveTextAsync(organization);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Surveys", Exact = true })).ToBeVisibleAsync();
        await BrowserHost.ScreenshotAsync(page, "63-joined");

        await using var check = host.Factory.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var inviteeId = db.Users.Single(u => u.Email == invitee).Id;
        Assert.Equal(OrgRole.Member, await db.RoleOfAsync(orgId, inviteeId));
        host.AssertNoCspViolations();
    }

    [BrowserFact]
    public async Task ANewcomer_FollowsTheMailsLink_Registers_Confirms_SignsIn_AndLandsInTheOrganization()
    {
        var ownerEmail = $"olga-{Guid.NewGuid():N}@example.test";
        var newcomer = $"nina-{Guid.NewGuid():N}@example.test";
        var orgId = await ConfirmedUserAsync(ownerEmail, ownOrganization: true);
        var organization = $"{ownerEmail.Split('@')[0]}'s organization";
        await InviteAsync(ownerEmail, newcomer);

        // The mail's link opens registration, headed for the invitation.
        var page = await host.NewPageAsync();
        await page.GotoAsync(await JoinLinkAsync(page, newcomer, organization));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Register"));
        await BrowserSteps.SubmitRegistrationAsync(page, newcomer, Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Register confirmation" })).ToBeVisibleAsync();

        // Confirming from the mail leads on to sign-in, and sign-in to the invitation.
        await page.GotoAsync("/dev/mail");
        await page.GetByTestId("dev-mail-message").Filter(new() { HasText = newcomer }).Filter(new() { HasText = "Confirm your Questra account" })
            .GetByRole(AriaRole.Link, new() { Name = "Confirm your account" }).ClickAsync();
        await Expect(page.GetByText("Thank you for confirming your email")).ToBeVisibleAsync();
        await page.GetByTestId("confirmed-sign-in").ClickAsync();
        await page.GetByLabel("Email").FillAsync(newcomer);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await AcceptAndLandInsideAsync(page, newcomer, orgId, organization);

        // The invitation was waiting: no organization of their own was made for them.
        await using var check = host.Factory.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var newcomerId = db.Users.Single(u => u.Email == newcomer).Id;
        Assert.Equal([orgId], db.Memberships.Where(m => m.UserId == newcomerId).Select(m => m.OrganizationId).ToList());
    }

    [BrowserFact]
    public async Task SomeoneWithAnAccount_FollowsTheMailsLink_SignsIn_AndLandsInTheOrganization()
    {
        var ownerEmail = $"olga-{Guid.NewGuid():N}@example.test";
        var member = $"mia-{Guid.NewGuid():N}@example.test";
        var orgId = await ConfirmedUserAsync(ownerEmail, ownOrganization: true);
        await ConfirmedUserAsync(member, ownOrganization: true);
        var organization = $"{ownerEmail.Split('@')[0]}'s organization";
        await InviteAsync(ownerEmail, member);

        var page = await host.NewPageAsync();
        await page.GotoAsync(await JoinLinkAsync(page, member, organization));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
        await page.GetByLabel("Email").FillAsync(member);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await AcceptAndLandInsideAsync(page, member, orgId, organization);
    }
}
