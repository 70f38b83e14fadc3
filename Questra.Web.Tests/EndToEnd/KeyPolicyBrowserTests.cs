using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Questra.Web.Data;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Questra.Web.Tests.EndToEnd;

/// <summary>Key policy in the dashboard: the organization's lifetime rule with its preview, learn mode, the hygiene view.</summary>
public sealed class KeyPolicyBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private readonly BrowserSteps steps = new(host);

    private async Task<(string Id, string Secret)> KeyAsync(string orgId, string userId, string name, DateTimeOffset? expiresAt = null)
    {
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
        var created = await keys.CreateAsync(orgId, new Caller(userId, "127.0.0.1"), new ApiKeyInput(name, expiresAt, null, null));
        Assert.True(created.Succeeded, created.Error?.Message);
        return (created.Value!.Key.Id, created.Value.Secret);
    }

    private Task WithDbAsync(Func<QuestraDbContext, Task> work) => host.Factory.Data.WithDb(work);

    private HttpClient ApiFrom(string address, string secret, string orgId)
    {
        var client = host.ApiClient(secret, orgId);
        client.DefaultRequestHeaders.Add(QuestraFactory.ClientIpHeader, address);
        return client;
    }

    [BrowserFact]
    public async Task AdminSetsALifetime_SeesWhichKeysItStops_Saves_AndTheOldKeyStopsWithTheReasonShown()
    {
        var (userId, email, sharedKey, orgId) = await steps.EnrolledOwnerAsync("policy");
        var (oldId, oldSecret) = await KeyAsync(orgId, userId, "Old nightly export");
        await KeyAsync(orgId, userId, "Fresh", host.Factory.Clock.GetUtcNow().AddDays(20));
        var created = host.Factory.Clock.GetUtcNow().AddDays(-45);
        await WithDbAsync(db => db.ApiKeys.Where(k => k.Id == oldId).ExecuteUpdateAsync(s => s.SetProperty(k => k.CreatedAt, created)));
        var api = host.ApiClient(oldSecret, orgId);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/surveys")).StatusCode);

        var page = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(page, email, sharedKey);
        await BrowserSteps.GotoInteractiveAsync(page, "/settings");
        var panel = page.GetByTestId("key-policy-panel");
        await panel.GetByText("30 days").ClickAsync();
        await panel.GetByTestId("policy-preview").ClickAsync();

        var impact = panel.GetByTestId("policy-impact");
        await Expect(impact).ToHaveCountAsync(1);
        await Expect(impact).ToContainTextAsync("Old nightly export");
        await Expect(impact).ToContainTextAsync("stops working now");
        await BrowserHost.ScreenshotAsync(page, "90-key-policy-preview");
        await panel.GetByTestId("policy-save").ClickAsync();
        await Expect(panel.GetByTestId("policy-impacts")).ToHaveCountAsync(0);

        var refused = await api.GetAsync("/api/surveys");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("at most 30 days", await refused.Content.ReadAsStringAsync());
        await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
        await Expect(page.Locator($"[data-key-id={oldId}] [data-testid=api-key-status]")).ToHaveTextAsync("Blocked by policy");
        await BrowserSteps.GotoInteractiveAsync(page, $"/settings/api-keys/{oldId}");
        await Expect(page.GetByTestId("blocked-reason")).ToContainTextAsync("keys may live at most 30 days");
        await BrowserHost.ScreenshotAsync(page, "91-key-blocked-by-policy");
        host.AssertNoCspViolations();
    }

    [BrowserFact]
    public async Task LearnMode_FillsTheListFromRealCalls_AndTheKeyThenWorksOnlyFromThere()
    {
        var (userId, email, sharedKey, orgId) = await steps.EnrolledOwnerAsync("learn");
        var (id, secret) = await KeyAsync(orgId, userId, "Warehouse sync");
        Assert.Equal(HttpStatusCode.OK, (await ApiFrom("203.0.113.10", secret, orgId).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ApiFrom("2001:db8::7", secret, orgId).GetAsync("/api/surveys")).StatusCode);
        await host.Factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();

        var page = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(page, email, sharedKey);
        await BrowserSteps.GotoInteractiveAsync(page, $"/settings/api-keys/{id}");
        var panel = page.GetByTestId("key-addresses");
        await Expect(panel.GetByTestId("learned-address")).ToHaveCountAsync(2);
        await panel.GetByTestId("allow-only-these").ClickAsync();
        await Expect(panel.Locator("#allowed-ips-input")).ToHaveValueAsync("203.0.113.10\n2001:db8::7");
        await BrowserHost.ScreenshotAsync(page, "92-learn-mode");
        await panel.GetByTestId("allowed-ips-save").ClickAsync();
        await Expect(panel.GetByTestId("allowed-ips")).ToContainTextAsync("203.0.113.10");

        Assert.Equal(HttpStatusCode.OK, (await ApiFrom("203.0.113.10", secret, orgId).GetAsync("/api/surveys")).StatusCode);
        var refused = await ApiFrom("198.51.100.1", secret, orgId).GetAsync("/api/surveys");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("198.51.100.1", await refused.Content.ReadAsStringAsync());
        host.AssertNoCspViolations();
    }

    [BrowserFact]
    public async Task HygieneView_ListsRiskyKeys_AndRevokesTheSelectedOnesInOneConfirmedAction()
    {
        var (userId, email, sharedKey, orgId) = await steps.EnrolledOwnerAsync("hygiene");
        var (neverA, secretA) = await KeyAsync(orgId, userId, "Forever A");
        var (neverB, _) = await KeyAsync(orgId, userId, "Forever B");
        var (expiring, _) = await KeyAsync(orgId, userId, "Expiring", host.Factory.Clock.GetUtcNow().AddDays(40));

        var page = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(page, email, sharedKey);
        await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
        await page.GetByTestId("open-hygiene").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Key hygiene" })).ToBeVisibleAsync();
        await BrowserSteps.WaitInteractiveAsync(page);
        var neverExpires = page.Locator("[data-testid=risk-filter][data-risk=never_expires]");
        await Expect(neverExpires.GetByTestId("risk-count")).ToHaveTextAsync("2");
        await neverExpires.ClickAsync();
        await Expect(page.GetByTestId("hygiene-row")).ToHaveCountAsync(2);
        await page.GetByTestId("select-all").ClickAsync();
        await page.GetByTestId("revoke-selected").ClickAsync();
        await Expect(page.GetByTestId("confirm-ok")).ToBeVisibleAsync();
        await BrowserHost.ScreenshotAsync(page, "93-hygiene-revoke-confirm");
        await steps.ConfirmAsync(page);
        await Expect(page.GetByTestId("hygiene-empty")).ToBeVisibleAsync();

        var revoked = await host.Factory.Data.WithDb(db => db.ApiKeys.Where(k => k.RevokedAt != null).Select(k => k.Id).ToListAsync());
        Assert.Contains(neverA, revoked);
        Assert.Contains(neverB, revoked);
        Assert.DoesNotContain(expiring, revoked);
        var events = await host.Factory.Data.WithDb(db => db.AuditEvents.CountAsync(e => e.Type == "api_key.revoked" && (e.TargetId == neverA || e.TargetId == neverB)));
        Assert.Equal(2, events);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.ApiClient(secretA, orgId).GetAsync("/api/surveys")).StatusCode);
        host.AssertNoCspViolations();
    }
}
