using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Questra.Web.Data;
using Questra.Web.Features.Organizations;
using static Microsoft.Playwright.Assertions;

namespace Questra.Web.Tests.EndToEnd;

/// <summary>An owner invites a newcomer; the newcomer registers, confirms from /dev/mail, signs in and accepts.</summary>
public sealed class InvitationBrowserTests(DevMailBrowserHost host) : IClassFixture<DevMailBrowserHost>
{
    private const string Password = "Invite-me-9-times";

    private static async Task LogInAsync(IPage page, string email)
    {
        await BrowserSteps.LogInAsync(page, email, Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Surveys" })).ToBeVisibleAsync();
    }

    [BrowserFact]
    public async Task Invite_Register_ConfirmFromDevMail_Accept()
    {
        var ownerEmail = $"olga-{Guid.NewGuid():N}@example.test";
        var newcomer = $"nina-{Guid.NewGuid():N}@example.test";
        string orgId;
        await using (var scope = host.Factory.Services.CreateAsyncScope())
        {
            var owner = new ApplicationUser { UserName = ownerEmail, Email = ownerEmail, EmailConfirmed = true };
            Assert.True((await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().CreateAsync(owner, Password)).Succeeded);
            orgId = (await scope.ServiceProvider.GetRequiredService<OrganizationService>().CreatePersonalOrganizationAsync(owner.Id, "olga")).Id;
        }

        // The owner invites the newcomer from Settings.
        var ownerTab = await host.NewPageAsync();
        await LogInAsync(ownerTab, ownerEmail);
        await ownerTab.GotoAsync("/settings");
        await ownerTab.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await ownerTab.GetByTestId("invite-email").FillAsync(newcomer);
        await ownerTab.GetByTestId("invite-submit").ClickAsync();
        await Expect(ownerTab.GetByTestId("pending-invitations")).ToContainTextAsync(newcomer);
        await BrowserHost.ScreenshotAsync(ownerTab, "60-invite-sent");

        // The newcomer registers, and confirms the address from the mail shown at /dev/mail.
        var newTab = await host.NewPageAsync();
        await newTab.GotoAsync("/Account/Register");
        await newTab.GetByLabel("Email").FillAsync(newcomer);
        await newTab.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await newTab.GetByLabel("Confirm Password").FillAsync(Password);
        await newTab.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Expect(newTab.GetByRole(AriaRole.Heading, new() { Name = "Register confirmation" })).ToBeVisibleAsync();
        await newTab.GotoAsync("/dev/mail");
        await Expect(newTab.GetByTestId("dev-mail-message").First).ToContainTextAsync("Confirm your Questra account");
        await Expect(newTab.GetByTestId("dev-mail-message").Filter(new() { HasText = "invites you to olga's organization" })).ToHaveCountAsync(1);
        await BrowserHost.ScreenshotAsync(newTab, "61-dev-mail");
        await newTab.GetByTestId("dev-mail-message").First.GetByRole(AriaRole.Link, new() { Name = "Confirm your account" }).ClickAsync();
        await Expect(newTab.GetByText("Thank you for confirming your email")).ToBeVisibleAsync();

        // Signed in, the newcomer accepts on the Invitations page.
        await LogInAsync(newTab, newcomer);
        await newTab.GotoAsync("/invitations");
        await newTab.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Expect(newTab.GetByTestId("invitation")).ToContainTextAsync(ownerEmail);
        await BrowserHost.ScreenshotAsync(newTab, "62-invitations");
        await newTab.GetByTestId("accept-invitation").ClickAsync();
        await Expect(newTab.GetByTestId("invitations-empty")).ToBeVisibleAsync();

        await using var check = host.Factory.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var newcomerId = db.Users.Single(u => u.Email == newcomer).Id;
        Assert.Equal(OrgRole.Member, await db.RoleOfAsync(orgId, newcomerId));
        host.AssertNoCspViolations();
    }
}
