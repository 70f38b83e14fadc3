using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Questra.Web.Tests.EndToEnd;

/// <summary>The dashboard's less travelled paths, in Chromium: a lost secret, refused role changes, the gates, the audit log.</summary>
public sealed class DashboardFlowTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private readonly BrowserSteps steps = new(host);
    private TestData Data => new(host.Factory.Services);

    [BrowserFact]
    public async Task ARename_ShowsEverywhereAtOnce_AndTheAccountMenuClosesAsMenusDo()
    {
        var (_, email, sharedKey, _) = await steps.EnrolledOwnerAsync("rename");
        var page = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(page, email, sharedKey);
        await BrowserSteps.GotoInteractiveAsync(page, "/settings");

        await page.GetByTestId("rename-org").ClickAsync();
        await page.GetByTestId("org-name-input").FillAsync("Northwind Research");
        await page.GetByTestId("org-name-save").ClickAsync();

        // The layout around the page follows without a reload: the switcher and the bar above.
        await Expect(page.GetByTestId("org-name")).ToHaveTextAsync("Northwind Research");
        await Expect(page.Locator(".org-name")).ToHaveTextAsync("Northwind Research");
        await Expect(page.Locator(".appbar-org")).ToHaveTextAsync("Northwind Research");

        // The account menu: Escape closes it and gives the focus back; so does a click elsewhere or following a link.
        var menu = page.GetByTestId("account-menu");
        await menu.Locator("summary").ClickAsync();
        await Expect(menu).ToHaveAttributeAsync("open", "");
        await page.Keyboard.PressAsync("Escape");
        await Expect(menu).Not.ToHaveAttributeAsync("open", "");
        await Expect(menu.Locator("summary")).ToBeFocusedAsync();
        await menu.Locator("summary").ClickAsync();
        await page.Locator("h1").ClickAsync();
        await Expect(menu).Not.ToHaveAttributeAsync("open", "");
        await menu.Locator("summary").ClickAsync();
        await menu.GetByRole(AriaRole.Link, new() { Name = "API Keys" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/settings/api-keys$"));
        await Expect(menu).Not.ToHaveAttributeAsync("open", "");
    }

    [BrowserFact]
    public async Task SecretLostWithThePage_IsMarked_AndOneClickMakesANewSecret()
    {
        var (_, email, sharedKey, orgId) = await steps.EnrolledOwnerAsync("lost");
        var page = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(page, email, sharedKey);
        await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
        await page.GetByTestId("create-api-key").ClickAsync();
        await page.GetByTestId("api-key-name").FillAsync("Lost in transit");
        await page.GetByTestId("api-key-name").PressAsync("Enter"); // Enter submits
        var lost = await page.GetByTestId("api-key-secret").InnerTextAsync();
        await page.GetByTestId("copy-api-key").ClickAsync();
        await Expect(page.GetByText("Copied", new() { Exact = true })).ToBeVisibleAsync();

        // The tab goes away while the secret is on screen (no Done).
        await page.CloseAsync();
        var again = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(again, email, sharedKey); // the cookie of the closed tab is gone with its context
        await BrowserSteps.GotoInteractiveAsync(again, "/settings/api-keys");
        await Expect(again.GetByTestId("secret-not-saved")).ToContainTextAsync("Secret may not have been saved");
        await BrowserHost.ScreenshotAsync(again, "80-secret-not-saved");

        await again.GetByTestId("roll-lost-secret").ClickAsync();
        await steps.ConfirmAsync(again);
        var fresh = await again.GetByTestId("api-key-secret").InnerTextAsync();
        await again.GetByTestId("api-key-done").ClickAsync();
        await Expect(again.GetByTestId("secret-not-saved")).ToHaveCountAsync(0);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await host.ApiClient(lost, orgId).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await host.ApiClient(fresh, orgId).GetAsync("/api/surveys")).StatusCode);
        Assert.DoesNotContain(fresh, await again.ContentAsync());
    }

    [BrowserFact]
    public async Task ARoleChangeTheServerRefuses_SnapsBack_AndPromotionsAskFirst()
    {
        // An admin may not make owners: the server refuses, and the dropdown shows the role as stored.
        var (ownerId, ownerEmail, sharedKey, orgId) = await steps.EnrolledOwnerAsync("roles");
        var member = await Data.UserAsync();
        await Data.AddMemberAsync(orgId, member, OrgRole.Member);
        var memberEmail = await Data.EmailOfAsync(member);
        var page = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(page, ownerEmail, sharedKey);
        var otherOwner = await Data.UserAsync();
        await Data.AddMemberAsync(orgId, otherOwner, OrgRole.Owner);
        await Data.SetRoleAsync(orgId, ownerId, OrgRole.Admin); // now an admin, who may not make owners

        await BrowserSteps.GotoInteractiveAsync(page, "/settings");
        var row = page.GetByTestId("member-row").Filter(new() { HasText = memberEmail });
        await row.GetByTestId("member-role").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Owner" }).ClickAsync();
        await Expect(page.GetByTestId("confirm-message")).ToContainTextAsync($"Make {memberEmail} an owner?");
        await steps.ConfirmAsync(page);

        await Expect(page.GetByText("Only owners")).ToBeVisibleAsync();
        var role = page.GetByTestId("member-row").Filter(new() { HasText = memberEmail }).GetByTestId("member-role");
        await Expect(role).ToContainTextAsync("Member");
        await Expect(role).Not.ToContainTextAsync("Owner");
        await BrowserHost.ScreenshotAsync(page, "81-role-refused");
        Assert.Equal(OrgRole.Member, await Data.WithDb(db => db.Memberships.Where(m => m.UserId == member).Select(m => m.Role).SingleAsync()));
    }

    [BrowserFact]
    public async Task AMemberBlockedTwice_SeesBothReasons_TheAdminsToAsk_AndNoLinkTheyCannotUse()
    {
        var (_, _, _, orgId) = await steps.EnrolledOwnerAsync("gated");
        await Data.WithDb(db => db.Organizations.Where(o => o.Id == orgId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Plan, Plan.Free)));
        var member = await Data.UserAsync(mfa: false);
        await Data.AddMemberAsync(orgId, member, OrgRole.Member);
        var memberEmail = await Data.EmailOfAsync(member);
        var page = await host.NewPageAsync();
        await BrowserSteps.LogInAsync(page, memberEmail, TestData.Password);

        await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
        var gate = page.GetByTestId("creation-gate");
        await Expect(gate.GetByTestId("creation-blocker")).ToHaveCountAsync(3); // two-factor, plan, role
        await Expect(gate.GetByTestId("creation-gate-ask")).ToContainTextAsync("gated-");
        await Expect(gate.GetByTestId("creation-gate-fix")).ToHaveCountAsync(1);
        await Expect(gate.GetByTestId("creation-gate-fix")).ToHaveAttributeAsync("href", "/Account/Manage/EnableAuthenticator");
        await Expect(page.GetByTestId("create-api-key")).ToBeDisabledAsync();
        await BrowserHost.ScreenshotAsync(page, "82-gates");
    }

    [BrowserFact]
    public async Task AuditLog_FiltersByKeyName_WithEnter_LinksKeys_AndOpensDetails()
    {
        var (email, sharedKey, orgId, keyId, _) = await steps.OwnerWithKeyAsync("auditor", "Quarterly board report", null);
        await Data.KeyAsync(orgId, (await Data.WithDb(db => db.Memberships.Where(m => m.OrganizationId == orgId).Select(m => m.UserId).FirstAsync())), name: "Something else");
        var page = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(page, email, sharedKey);

        await BrowserSteps.GotoInteractiveAsync(page, "/settings/audit");
        await page.GetByTestId("audit-key-filter").FillAsync("board");
        await page.GetByTestId("audit-key-filter").PressAsync("Enter");
        var rows = page.GetByTestId("audit-row");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("api_key.created");

        var target = rows.First.GetByTestId("audit-target-key");
        await Expect(target).ToHaveTextAsync("Quarterly board report");
        await Expect(target).ToHaveAttributeAsync("href", $"/settings/api-keys/{keyId}");
        await rows.First.Locator("details summary").ClickAsync();
        await Expect(rows.First.Locator("details pre")).ToContainTextAsync("\"name\": \"Quarterly board report\"");
        await BrowserHost.ScreenshotAsync(page, "83-audit-filtered");
    }
}
