using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>
/// <c>POST /api/credentials/revoke</c>: anyone reports leaked secrets without signing in; every working key among them
/// is revoked with its descendants, audited and sent to webhooks; the answer is the same whatever matched; throttled.
/// </summary>
public abstract class LeakReportTests(WebhookFactory factory) : IAsyncLifetime
{
    private TestData Data => factory.Data;
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    /// <summary>A client with no key, from its own address (each test gets a fresh throttle window).</summary>
    private HttpClient Finder(string address) => factory.ApiClientFrom(address, secret: null, orgId: null);

    private static string WellFormedUnknownSecret() => ApiKeySecret.Generate();

    [Fact]
    public async Task AReportedLiveKey_IsRevokedWithItsChild_Audited_AndSentToWebhooks_WhileOthersKeepWorking()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var scopes = new[] { "surveys:read", "responses:read", "api_keys:read", "api_keys:write" };
        var (_, adminKey) = await Data.KeyAsync(org, owner, scopes: scopes, name: "Automation");
        var admin = factory.ApiClient(adminKey, org);
        var endpoint = await Problem.JsonAsync(await admin.PostAsync("/api/webhooks",
            Json(new { url = receiver.Url, events = new[] { "api_key.leak_reported", "api_key.revoked" } })), HttpStatusCode.Created);
        var signingSecret = endpoint.GetProperty("secret").GetString()!;
        var (leakedId, leaked) = await Data.KeyAsync(org, owner, scopes: scopes, name: "Committed to GitHub");
        var child = await Problem.JsonAsync(await factory.ApiClient(leaked, org).PostAsync("/api/api-keys",
            Json(new { name = "Made by the leaked key", scopes = new[] { "surveys:read" } })), HttpStatusCode.Created);
        var childSecret = child.GetProperty("secret").GetString()!;

        var report = await Finder("203.0.113.9").PostAsync("/api/credentials/revoke",
            Json(new { credentials = new[] { leaked, "not a key", WellFormedUnknownSecret(), leaked[..^1] + (leaked[^1] == 'a' ? 'b' : 'a') } }));
        var garbage = await Finder("203.0.113.10").PostAsync("/api/credentials/revoke", Json(new { credentials = new[] { "hello", WellFormedUnknownSecret() } }));

        Assert.Equal(HttpStatusCode.Accepted, report.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, garbage.StatusCode);
        Assert.Equal(await garbage.Content.ReadAsStringAsync(), await report.Content.ReadAsStringAsync());
        Assert.Equal(garbage.Content.Headers.ContentType, report.Content.Headers.ContentType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient(leaked, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient(childSecret, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/surveys")).StatusCode);

        var audit = await Data.WithDb(db => db.AuditEvents.Where(e => e.OrganizationId == org && e.Type == "api_key.leak_reported").ToListAsync());
        var reported = Assert.Single(audit);
        Assert.Equal(leakedId, reported.TargetId);
        Assert.Equal("203.0.113.9", reported.Ip);
        Assert.Null(reported.ActorUserId);
        Assert.Contains("\"descendants_revoked\":1", reported.Details);

        await receiver.WaitForAsync(r => r.Any(x => x.Type == "api_key.leak_reported") && r.Count(x => x.Type == "api_key.revoked") == 2, "the leak and both revocations");
        var leak = Assert.Single(receiver.All, r => r.Type == "api_key.leak_reported");
        Assert.True(WebhookReceiver.Verifies(signingSecret, leak));
        Assert.Equal("203.0.113.9", leak.Data.GetProperty("reported_from").GetString());
        Assert.Equal(leakedId, leak.Data.GetProperty("key").GetProperty("id").GetString());
        Assert.All(receiver.All, r => Assert.DoesNotContain(leaked, r.Body));

        // Reporting it again changes nothing and says the same.
        var again = await Finder("203.0.113.11").PostAsync("/api/credentials/revoke", Json(new { credentials = new[] { leaked } }));
        Assert.Equal(await garbage.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Single(await Data.WithDb(db => db.AuditEvents.Where(e => e.OrganizationId == org && e.Type == "api_key.leak_reported").ToListAsync()));
    }

    [Fact]
    public async Task AReport_IsThrottledPerAddress()
    {
        var finder = Finder("198.51.100.77");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await finder.PostAsync("/api/credentials/revoke", Json(new { credentials = new[] { "x" } }))).StatusCode);
        }
        var refused = await finder.PostAsync("/api/credentials/revoke", Json(new { credentials = new[] { "x" } }));
        await Problem.AssertAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.Accepted, (await Finder("198.51.100.78").PostAsync("/api/credentials/revoke", Json(new { credentials = new[] { "x" } }))).StatusCode);
    }

    [Fact]
    public async Task AMalformedReport_GetsAClear4xx()
    {
        var finder = Finder("198.51.100.90");
        await Problem.AssertAsync(await finder.PostAsync("/api/credentials/revoke", Json(new { credentials = Enumerable.Repeat("x", 101).ToArray() })), (HttpStatusCode)422);
        await Problem.AssertAsync(await finder.PostAsync("/api/credentials/revoke", Json(new { credentials = Array.Empty<string>() })), (HttpStatusCode)422);
        await Problem.AssertAsync(await finder.PostAsync("/api/credentials/revoke", Json(new { tokens = new[] { "x" } })), HttpStatusCode.BadRequest);
        await Problem.AssertAsync(await finder.PostAsync("/api/credentials/revoke", new StringContent("{", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
    }
}

public sealed class LeakReportTestsOnSqlite(WebhookFactory factory) : LeakReportTests(factory), IClassFixture<WebhookFactory>;

public sealed class LeakReportTestsOnPostgres(PostgresWebhookFactory factory) : LeakReportTests(factory), IClassFixture<PostgresWebhookFactory>;
