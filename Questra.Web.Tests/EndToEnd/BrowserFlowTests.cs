using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Questra.Web.Data;
using Questra.Web.Features.Mfa;
using static Microsoft.Playwright.Assertions;

namespace Questra.Web.Tests.EndToEnd;

/// <summary>What a person does, in real headless Chromium against the app on a real socket.</summary>
public abstract class BrowserFlowTests(BrowserHost host)
{
    private const string Password = BrowserSteps.Password;
    private readonly BrowserSteps steps = new(host);

    [BrowserFact]
    public async Task Register_EnrolTotp_CreateKey_UseIt_RevokeIt_ThenItIsRefused()
    {
        var page = await host.NewPageAsync();
        var email = $"ada-{Guid.NewGuid():N}@example.test";

        await BrowserSteps.RegisterAndConfirmAsync(page, email);
        await BrowserSteps.LogInAsync(page, email);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Surveys" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("survey-row").First).ToBeVisibleAsync();
        await BrowserHost.ScreenshotAsync(page, "03-surveys");

        // The key page is gated on 2FA and links to enrolment.
        await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
        var gate = page.GetByTestId("creation-gate");
        await Expect(gate).ToContainTextAsync("Two-factor authentication is required");
        await BrowserHost.ScreenshotAsync(page, "04-api-keys-gate");
        await page.GetByTestId("creation-gate-fix").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Manage/EnableAuthenticator$"));
        await Expect(page.GetByTestId("authenticator-qr")).ToBeVisibleAsync();
        var sharedKey = await page.GetByTestId("authenticator-key").InnerTextAsync();
        await BrowserHost.ScreenshotAsync(page, "05-enable-authenticator");
        await page.GetByLabel("Verification Code").FillAsync(steps.CurrentCode(sharedKey));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Expect(page.GetByTestId("recovery-codes").Locator("code")).ToHaveCountAsync(10);
        var firstCode = await page.GetByTestId("recovery-codes").Locator("code").First.InnerTextAsync();
        Assert.Contains(Uri.EscapeDataString(firstCode), await page.GetByTestId("download-recovery-codes").GetAttributeAsync("href"));
        await page.GetByTestId("copy-recovery-codes").ClickAsync();
        await Expect(page.GetByText("Copied.")).ToBeVisibleAsync();
        await BrowserHost.ScreenshotAsync(page, "06-recovery-codes");

        // Create a key; the secret is shown once.
        await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
        await Expect(page.GetByTestId("api-keys-empty")).ToBeVisibleAsync();
        await BrowserHost.ScreenshotAsync(page, "07-api-keys-empty");
        await page.GetByTestId("create-api-key").ClickAsync();
        // The dialog takes the focus at once, on its first field; Never would warn.
        await Expect(page.GetByTestId("api-key-name")).ToBeFocusedAsync();
        await page.GetByTestId("api-key-name").FillAsync("Production API Key");
        await page.GetByText("Never", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("never-warning")).ToBeVisibleAsync();
        await BrowserHost.ScreenshotAsync(page, "08-create-modal");
        await page.GetByTestId("api-key-create-submit").ClickAsync();
        var secretLocator = page.GetByTestId("api-key-secret");
        await Expect(secretLocator).ToBeVisibleAsync();
        var secret = await secretLocator.InnerTextAsync();
        Assert.StartsWith("sk_live_", secret);
        await Expect(page.GetByTestId("api-key-curl")).ToContainTextAsync($"Bearer {secret}");
        await BrowserHost.ScreenshotAsync(page, "09-key-created");
        await page.GetByTestId("api-key-done").ClickAsync();
        await Expect(secretLocator).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync());
        var row = page.GetByTestId("api-key-row");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("Production API Key");
        await Expect(row).ToContainTextAsync("Never");
        // After Done the focus is on the new key's row, not back on Create.
        await Expect(row.GetByTestId("api-key-name-link")).ToBeFocusedAsync();
        await BrowserHost.ScreenshotAsync(page, "10-api-keys-list");

        await page.GotoAsync("/settings");
        var orgId = await page.GetByTestId("org-id").InnerTextAsync();
        await BrowserHost.ScreenshotAsync(page, "11-settings");

        var api = host.ApiClient(secret, orgId);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/surveys")).StatusCode);

        // Reloading never brings the secret back.
        await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
        await Expect(page.GetByTestId("api-key-row")).ToHaveCountAsync(1);
        Assert.DoesNotContain(secret, await page.ContentAsync());

        // Revoke in the UI, confirm, and the very next API call is refused.
        await page.GetByTestId("api-key-row").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await BrowserHost.ScreenshotAsync(page, "12-revoke-confirm");
        await steps.ConfirmAsync(page);
        await Expect(page.GetByTestId("api-key-status")).ToHaveTextAsync("Revoked");
        await BrowserHost.ScreenshotAsync(page, "13-revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/surveys")).StatusCode);
        host.AssertNoCspViolations();
    }

    [BrowserFact]
    public async Task LogOut_ThenLogInWithTotp_AndWithARecoveryCode_OnlyOnce()
    {
        var email = $"grace-{Guid.NewGuid():N}@example.test";
        string sharedKey;
        IReadOnlyList<string> recovery;
        await using (var scope = host.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            await scope.ServiceProvider.GetRequiredService<Questra.Web.Features.Organizations.OrganizationService>()
                .CreatePersonalOrganizationAsync(user.Id, "grace");
            var mfa = scope.ServiceProvider.GetRequiredService<MfaService>();
            sharedKey = (await mfa.GetEnrollmentAsync(user))!.SharedKey;
            recovery = (await mfa.EnableAsync(user, steps.CurrentCode(sharedKey), "127.0.0.1"))!;
        }
        var page = await host.NewPageAsync();

        // The code used at enrolment cannot be used again: wait for the next step on the app's clock.
        host.Factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await BrowserSteps.LogInAsync(page, email);
        await Expect(page.GetByLabel("Authenticator code")).ToBeVisibleAsync();
        await BrowserHost.ScreenshotAsync(page, "20-login-2fa");
        await page.GetByLabel("Authenticator code").FillAsync(steps.CurrentCode(sharedKey));
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Surveys" })).ToBeVisibleAsync();
        await BrowserSteps.WaitInteractiveAsync(page);

        // Log out through the account menu in the bottom-left corner.
        await page.GetByTestId("account-menu").Locator("summary").ClickAsync();
        await BrowserHost.ScreenshotAsync(page, "21-account-menu");
        await page.GetByTestId("account-menu").GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login|/$"));
        await page.GotoAsync("/settings/api-keys");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));

        await BrowserSteps.LogInAsync(page, email);
        await page.GetByRole(AriaRole.Link, new() { Name = "log in with a recovery code" }).ClickAsync();
        await page.GetByLabel("Recovery Code").FillAsync(recovery[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        // Signed in, on the page where new codes are made, told how many are left.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Manage/TwoFactorAuthentication"));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("You signed in with a recovery code: 9 recovery codes left");

        // The same recovery code a second time is refused.
        var second = await host.NewPageAsync();
        await BrowserSteps.LogInAsync(second, email);
        await second.GetByRole(AriaRole.Link, new() { Name = "log in with a recovery code" }).ClickAsync();
        await second.GetByLabel("Recovery Code").FillAsync(recovery[0]);
        await second.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(second.GetByText("Invalid recovery code")).ToBeVisibleAsync();

        // Another browser signs in too.
        var other = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(other, email, sharedKey);

        // Switching 2FA off asks "Confirm it's you" first (password and a current code), then signs out the other
        // session, and brings the API Keys gate back.
        host.Factory.Clock.Advance(Questra.Web.Features.Accounts.SudoMode.Window); // the sign-in's own proof has run out
        await page.GotoAsync("/Account/Manage/Disable2fa");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirm it's you" })).ToBeVisibleAsync();
        host.Factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByLabel("Authenticator code (or a recovery code)").FillAsync(steps.CurrentCode(sharedKey));
        await BrowserHost.ScreenshotAsync(page, "22-sudo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable 2FA" }).ClickAsync();
        await Expect(page.GetByText("your other sessions are signed out")).ToBeVisibleAsync();
        await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
        await Expect(page.GetByTestId("creation-gate")).ToContainTextAsync("Two-factor authentication is required");

        await other.GotoAsync("/settings/api-keys");
        await Expect(other).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
        host.AssertNoCspViolations();
    }

    [BrowserFact]
    public async Task LoggingOut_EndsEveryOpenTabOfThatBrowser_ButNotAnotherBrowser()
    {
        var (_, email, sharedKey, orgId) = await steps.EnrolledOwnerAsync("tabs");
        Task<string> OrgNameAsync() => host.Factory.Data.WithDb(db => db.Organizations.Where(o => o.Id == orgId).Select(o => o.Name).SingleAsync());
        var name = await OrgNameAsync();
        var page = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(page, email, sharedKey);
        var elsewhere = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(elsewhere, email, sharedKey);

        // A second tab of the same browser, left open on Settings with the rename form out.
        var settings = await page.Context.NewPageAsync();
        await BrowserSteps.GotoInteractiveAsync(settings, "/settings");
        await settings.GetByTestId("rename-org").ClickAsync();
        await settings.GetByTestId("org-name-input").FillAsync("Renamed after logging out");

        await page.GetByTestId("account-menu").Locator("summary").ClickAsync();
        await page.GetByTestId("account-menu").GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();

        // The open tab loses its sign-in without a click and lands on the login page; nothing was renamed.
        await Expect(settings).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
        await BrowserHost.ScreenshotAsync(settings, "25-other-tab-after-logout");
        Assert.Equal(name, await OrgNameAsync());

        // Another browser of the same person stays signed in.
        await BrowserSteps.GotoInteractiveAsync(elsewhere, "/settings");
        await Expect(elsewhere.GetByTestId("org-name")).ToHaveTextAsync(name);
    }

    [BrowserFact]
    public async Task RollAKey_UseTheNewSecret_DeleteTheOld_ThenSeeDetailAndAuditLog()
    {
        var (email, sharedKey, orgId, keyId, oldSecret) = await steps.OwnerWithKeyAsync("linus", "Nightly ETL", ["surveys:read", "responses:read"]);
        var oldClient = host.ApiClient(oldSecret, orgId);
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("/api/surveys")).StatusCode);
        await host.Factory.Services.GetRequiredService<Questra.Web.Features.ApiKeys.UsageRecorder>().FlushAsync();

        var page = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(page, email, sharedKey);

        // Roll with a one-hour grace period: the dialog shows the new secret once.
        await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
        await Expect(page.GetByTestId("api-key-row")).ToContainTextAsync("Data Access");
        var rowBeforeRoll = await page.GetByTestId("api-key-row").ElementHandleAsync();
        await page.GetByTestId("api-key-row").GetByRole(AriaRole.Button, new() { Name = "Roll" }).ClickAsync();
        await page.GetByText("1 hour").ClickAsync();
        await BrowserHost.ScreenshotAsync(page, "30-roll-dialog");
        await page.GetByTestId("roll-submit").ClickAsync();
        var newSecret = await page.GetByTestId("api-key-secret").InnerTextAsync();
        await page.GetByTestId("api-key-done").ClickAsync();
        await Expect(page.GetByTestId("api-key-row")).ToHaveCountAsync(2);
        await BrowserHost.ScreenshotAsync(page, "31-after-roll");
        // The new key goes on top, and the old key's row is still the element it was: its buttons were not handed
        // to the new key under the pointer.
        Assert.Equal(keyId, await rowBeforeRoll.GetAttributeAsync("data-key-id"));
        Assert.Equal(HttpStatusCode.OK, (await host.ApiClient(newSecret, orgId).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("/api/surveys")).StatusCode);

        // Delete the old key, confirmed: it stops at once.
        var oldRow = page.Locator($"[data-testid=api-key-row][data-key-id={keyId}]");
        await oldRow.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await steps.ConfirmAsync(page);
        await Expect(page.GetByTestId("api-key-row")).ToHaveCountAsync(1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await oldClient.GetAsync("/api/surveys")).StatusCode);

        // Search by prefix finds the new key; by a made-up name finds nothing.
        await page.GetByTestId("api-key-search").FillAsync(newSecret[..12]);
        await Expect(page.GetByTestId("api-key-row")).ToHaveCountAsync(1);
        await page.GetByTestId("api-key-search").FillAsync("no such key");
        await Expect(page.GetByText("No keys match.")).ToBeVisibleAsync();

        var newClient = host.ApiClient(newSecret, orgId);
        for (var i = 0; i < 4; i++) await newClient.GetAsync("/api/surveys");
        await newClient.GetAsync("/api/api-keys");
        await host.Factory.Services.GetRequiredService<Questra.Web.Features.ApiKeys.UsageRecorder>().FlushAsync();
        await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
        await page.GetByTestId("api-key-name-link").ClickAsync();
        await Expect(page.GetByTestId("key-events")).ToContainTextAsync("api_key.created");
        await Expect(page.GetByTestId("usage-chart")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("usage-chart").Locator("svg path").First).ToBeAttachedAsync();
        await BrowserHost.ScreenshotAsync(page, "32-key-detail");

        await BrowserSteps.GotoInteractiveAsync(page, "/settings/audit");
        var audit = page.GetByTestId("audit-table");
        await Expect(audit).ToContainTextAsync("api_key.rolled");
        await Expect(audit).ToContainTextAsync("api_key.deleted");
        await Expect(audit).ToContainTextAsync("mfa.enabled");
        await BrowserHost.ScreenshotAsync(page, "33-audit-log");
        host.AssertNoCspViolations();

        // After creating and rolling, no secret is in the database files or the logs.
        var stored = await host.Factory.Database.ReadAllStoredTextAsync();
        var logs = string.Join('\n', host.Factory.Logs.Lines);
        Assert.Contains(newSecret[..12], stored);
        foreach (var secret in new[] { oldSecret, newSecret })
        {
            Assert.DoesNotContain(secret[12..], stored);
            Assert.DoesNotContain(secret[12..], logs);
        }
    }

    [BrowserFact]
    public async Task KeyMadeByAKey_ShowsItsParent_AndRevokingTheParent_WarnsAndStopsBoth()
    {
        var (email, sharedKey, orgId, parentId, parentSecret) = await steps.OwnerWithKeyAsync("grace", "Deploy bot", null);
        // A script mints a child key with the parent key.
        var minted = await host.ApiClient(parentSecret, orgId).PostAsync("/api/api-keys",
            new StringContent("""{"name":"CI job","scopes":["surveys:read"]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, minted.StatusCode);
        var child = System.Text.Json.JsonDocument.Parse(await minted.Content.ReadAsStringAsync()).RootElement;
        var (childId, childSecret) = (child.GetProperty("id").GetString()!, child.GetProperty("secret").GetString()!);

        var page = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(page, email, sharedKey);

        await BrowserSteps.GotoInteractiveAsync(page, $"/settings/api-keys/{childId}");
        await Expect(page.GetByTestId("api-key-parent")).ToContainTextAsync("Deploy bot");
        await Expect(page.GetByTestId("api-key-parent").GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", $"/settings/api-keys/{parentId}");
        await BrowserHost.ScreenshotAsync(page, "40-child-key-detail");

        await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
        await Expect(page.GetByTestId("api-key-row")).ToHaveCountAsync(2);
        await page.Locator($"[data-testid=api-key-row][data-key-id={parentId}]").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("1 working key made from this key stops with it.");
        // Cancel has the focus: Enter or Escape never revokes by accident.
        await Expect(page.GetByTestId("confirm-cancel")).ToBeFocusedAsync();
        await BrowserHost.ScreenshotAsync(page, "41-revoke-parent-warning");
        await steps.ConfirmAsync(page);
        await Expect(page.GetByTestId("api-key-status").Filter(new() { HasText = "Revoked" })).ToHaveCountAsync(2);
        await BrowserHost.ScreenshotAsync(page, "42-parent-and-child-revoked");

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.ApiClient(parentSecret, orgId).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.ApiClient(childSecret, orgId).GetAsync("/api/surveys")).StatusCode);
        host.AssertNoCspViolations();
    }

    [BrowserFact]
    public async Task AMembersOpenTab_AfterTheOwnerRemovesThem_ShowsNoMoreOfTheOrganization()
    {
        var (ownerEmail, sharedKey, orgId, _, _) = await steps.OwnerWithKeyAsync("ada", "Owner's key", null);
        var memberEmail = $"bob-{Guid.NewGuid():N}@example.test";
        await using (var scope = host.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var member = new ApplicationUser { UserName = memberEmail, Email = memberEmail, EmailConfirmed = true, SelectedOrganizationId = orgId };
            Assert.True((await users.CreateAsync(member, Password)).Succeeded);
            var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
            db.Memberships.Add(new Questra.Web.Features.Organizations.Membership { OrganizationId = orgId, UserId = member.Id, Role = Questra.Web.Features.Organizations.OrgRole.Member });
            await db.SaveChangesAsync();
            var data = new Questra.Web.Tests.Infrastructure.TestData(host.Factory.Services);
            for (var i = 0; i < 25; i++) await data.SurveyAsync(orgId, member.Id, $"Bob's survey {i:D2}");
        }

        // The member's tab: the first page of their surveys.
        var memberTab = await host.NewPageAsync();
        await BrowserSteps.LogInAsync(memberTab, memberEmail);
        await Expect(memberTab.GetByRole(AriaRole.Heading, new() { Name = "Surveys" })).ToBeVisibleAsync();
        await BrowserSteps.WaitInteractiveAsync(memberTab);
        await Expect(memberTab.GetByTestId("survey-row")).ToHaveCountAsync(20);

        // Another browser: the owner removes the member in Settings.
        var ownerTab = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(ownerTab, ownerEmail, sharedKey);
        await BrowserSteps.GotoInteractiveAsync(ownerTab, "/settings");
        await ownerTab.GetByRole(AriaRole.Button, new() { Name = $"Remove {memberEmail}" }).ClickAsync();
        await steps.ConfirmAsync(ownerTab);
        await Expect(ownerTab.GetByText($"{memberEmail} was removed.")).ToBeVisibleAsync();

        // The member's next click (page 2 of the list) gets nothing of the organization.
        await memberTab.GetByRole(AriaRole.Button, new() { Name = "Page 2" }).ClickAsync();
        await Expect(memberTab.GetByTestId("no-longer-member")).ToContainTextAsync("You are no longer a member of this organization");
        await Expect(memberTab.Locator("[data-testid=surveys-table]")).ToHaveCountAsync(0);
        await BrowserHost.ScreenshotAsync(memberTab, "50-no-longer-member");
        host.AssertNoCspViolations();
    }

    [BrowserFact]
    public async Task FiveWrongAuthenticatorCodes_LockTheAccount()
    {
        var email = $"mallory-{Guid.NewGuid():N}@example.test";
        string sharedKey;
        await using (var scope = host.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            var mfa = scope.ServiceProvider.GetRequiredService<MfaService>();
            sharedKey = (await mfa.GetEnrollmentAsync(user))!.SharedKey;
            await mfa.EnableAsync(user, steps.CurrentCode(sharedKey, -1), null);
        }
        var page = await host.NewPageAsync();
        await BrowserSteps.LogInAsync(page, email);
        var right = steps.CurrentCode(sharedKey);
        var wrong = right == "123456" ? "654321" : "123456";

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await page.GetByLabel("Authenticator code").FillAsync(wrong);
            await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
            await Expect(page.GetByText("Invalid authenticator code")).ToBeVisibleAsync();
        }
        await page.GetByLabel("Authenticator code").FillAsync(wrong);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        await Expect(page.GetByText("This account has been locked out")).ToBeVisibleAsync();
        await BrowserHost.ScreenshotAsync(page, "40-locked-out");
        // Even the right code does not get in now.
        await BrowserSteps.LogInAsync(page, email);
        await Expect(page.GetByText("This account has been locked out")).ToBeVisibleAsync();
    }
}

public sealed class BrowserFlowTestsOnSqlite(BrowserHost host) : BrowserFlowTests(host), IClassFixture<BrowserHost>;

public sealed class BrowserFlowTestsOnPostgres(PostgresBrowserHost host) : BrowserFlowTests(host), IClassFixture<PostgresBrowserHost>;
