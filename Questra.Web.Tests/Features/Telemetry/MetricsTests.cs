using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Email;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Telemetry;

/// <summary>The app with metrics on, a mail server that refuses connections, and webhooks to a local receiver.</summary>
public sealed class MetricsFactory : WebhookFactory
{
    public const int MetricsPort = 9464;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Metrics:Enabled", "true");
        builder.UseSetting("Metrics:Port", MetricsPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("ApiKeys:RequestsPerMinutePerKey", "5");
        builder.UseSetting("ApiKeys:FailedAuthPerMinute", "20");
        builder.UseSetting("Email:Enabled", "true");
        builder.UseSetting("Email:From", "Questra <no-reply@questra.example>");
        builder.UseSetting("Email:PublicBaseUrl", "https://questra.example");
        builder.UseSetting("Email:Smtp:Host", "127.0.0.1");
        builder.UseSetting("Email:Smtp:Port", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Email:Smtp:Security", "None");
        builder.UseSetting("Email:Outbox:PollMilliseconds", "100");
    }
}

/// <summary>
/// <c>/metrics</c> (Prometheus, on the metrics port only) shows each of Questra's instruments once the events that
/// feed them happen, and no label carries a key, an organization or an address.
/// </summary>
// Alone, not beside the parallel suites: a metrics listener hears every meter named "Questra" in the process, and
// the other suites' app hosts each have one (a production process has one host).
[Collection(Process.AppProcessCollection.Name)]
public sealed class MetricsTests(MetricsFactory factory) : IClassFixture<MetricsFactory>, IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    private async Task<string> ScrapeAsync()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(QuestraFactory.LocalPortHeader, MetricsFactory.MetricsPort.ToString(CultureInfo.InvariantCulture));
        var answer = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return await answer.Content.ReadAsStringAsync();
    }

    // The value of a series whose name is given and whose labels include the given one (null: not exposed).
    private static double? Value(string scrape, string name, string? label = null)
    {
        foreach (Match m in Regex.Matches(scrape, $@"^{Regex.Escape(name)}(\{{(?<labels>[^}}]*)\}})? (?<value>\S+)", RegexOptions.Multiline))
        {
            if (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            {
                return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    private async Task ExposedAsync(string name, string? label = null, double atLeast = 1)
    {
        string last = "";
        await Eventually.HoldsAsync(async () =>
        {
            last = await ScrapeAsync();
            return Value(last, name, label) >= atLeast;
        }, $"{name}{{{label}}} ≥ {atLeast}", seconds: 30);
    }

    [Fact]
    public async Task EveryInstrument_IsExposedAfterItsEvents_WithoutIdsOrAddresses()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, good) = await factory.Data.KeyAsync(org, owner, name: "Good");
        var (revokedId, revoked) = await factory.Data.KeyAsync(org, owner, name: "Revoked");
        var (_, expiring) = await factory.Data.KeyAsync(org, owner, name: "Expiring", expiresAt: factory.Clock.GetUtcNow().AddMinutes(1));
        var (_, fenced) = await factory.Data.KeyAsync(org, owner, name: "Fenced", allowedIps: ["198.51.100.0/24"]);
        var (_, admin) = await factory.Data.KeyAsync(org, owner, name: "Admin");
        var caller = new Caller(owner, "127.0.0.1");
        Assert.True((await factory.Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RevokeAsync(org, caller, revokedId))).Succeeded);

        // Key checks of every kind; the good key twice (a cache miss, then a hit), then over its rate limit.
        for (var i = 0; i < 6; i++) await factory.ApiClient(good, org).GetAsync("/api/surveys");
        await factory.ApiClient(revoked, org).GetAsync("/api/surveys");
        await factory.ApiClient(ApiKeySecret.Generate(), org).GetAsync("/api/surveys");
        await factory.ApiClient(good[..^1] + (good[^1] == 'A' ? 'B' : 'A'), org).GetAsync("/api/surveys");
        await factory.ApiClient(null, org).GetAsync("/api/surveys");
        await factory.ApiClient("sk_live_short", org).GetAsync("/api/surveys");
        await factory.ApiClient(fenced, org).GetAsync("/api/surveys");
        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        await factory.ApiClient(expiring, org).GetAsync("/api/surveys");
        // A client over its failed authentications.
        for (var i = 0; i < 21; i++) await factory.ApiClientFrom("203.0.113.9", ApiKeySecret.Generate(), org).GetAsync("/api/surveys");
        // A webhook delivered, and mail that cannot be sent (the server refuses connections).
        var adminClient = factory.ApiClient(admin, org);
        var created = await adminClient.PostAsync("/api/webhooks", new StringContent(
            JsonSerializer.Serialize(new { url = receiver.Url, events = new[] { "api_key.created" } }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await adminClient.PostAsync("/api/api-keys", new StringContent(
            JsonSerializer.Serialize(new { name = "Made", scopes = new[] { "surveys:read" } }), Encoding.UTF8, "application/json"))).StatusCode);
        await factory.Data.WithDb(async db =>
        {
            var now = factory.Clock.GetUtcNow();
            db.OutboxMessages.Add(new OutboxMessage { Kind = "test", To = "someone@example.test", Subject = "S", TextBody = "T", HtmlBody = "<p>T</p>", CreatedAt = now, NextAttemptAt = now });
            await db.SaveChangesAsync();
            return 0;
        });

        foreach (var outcome in new[] { "ok", "revoked", "unknown", "bad_checksum", "missing", "malformed", "refused_address", "expired" })
        {
            await ExposedAsync("questra_api_key_checks_total", $"outcome=\"{outcome}\"");
        }
        await ExposedAsync("questra_api_key_cache_lookups_total", "result=\"hit\"");
        await ExposedAsync("questra_api_key_cache_lookups_total", "result=\"miss\"");
        // A key checked just now is in the cache (the clock skip and the key made above emptied it).
        Assert.Equal(HttpStatusCode.OK, (await adminClient.GetAsync("/api/surveys")).StatusCode);
        await ExposedAsync("questra_api_key_cache_entries");
        await ExposedAsync("questra_api_throttled_total", "limit=\"key_rate\"");
        await ExposedAsync("questra_api_throttled_total", "limit=\"failed_auth\"");
        // An attempt, whatever its outcome: on a loaded machine the receiver may answer after the timeout.
        await ExposedAsync("questra_webhook_attempts_total", "outcome=");
        await ExposedAsync("questra_outbox_delivery_failures_total");
        await ExposedAsync("questra_outbox_queued");
        await ExposedAsync("questra_outbox_oldest_age_seconds", atLeast: 0);
        await ExposedAsync("http_server_request_duration_seconds_count", "http_response_status_code=\"401\"");

        var scrape = await ScrapeAsync();
        foreach (var secretOrId in new[] { org, owner, revokedId, "sk_live_", "203.0.113.9", "127.0.0.1", "198.51.100", "someone@" })
        {
            Assert.DoesNotContain(secretOrId, scrape, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metrics_AreOnlyOnTheirPort_AndThatPortServesNothingElse()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync("/metrics")).StatusCode);
        var onMetricsPort = factory.CreateClient();
        onMetricsPort.DefaultRequestHeaders.Add(QuestraFactory.LocalPortHeader, MetricsFactory.MetricsPort.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.NotFound, (await onMetricsPort.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await onMetricsPort.GetAsync("/api/surveys")).StatusCode);
        // A Host header naming the port does not reach the metrics from a public port.
        var spoofed = factory.CreateClient();
        spoofed.DefaultRequestHeaders.Host = $"localhost:{MetricsFactory.MetricsPort}";
        Assert.Equal(HttpStatusCode.NotFound, (await spoofed.GetAsync("/metrics")).StatusCode);
    }
}
