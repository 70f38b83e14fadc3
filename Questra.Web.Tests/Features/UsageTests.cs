using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features;

public abstract class UsageTests(QuestraFactory factory)
{
    [Fact]
    public async Task TheFlushTimer_RunsOnTheAppsClock()
    {
        // Flushes are 60 s apart in the tests: only skipping the app's clock past one makes it run within the wait.
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(secret, org).GetAsync("/api/surveys")).StatusCode);

        factory.Clock.Advance(TimeSpan.FromSeconds(61));

        await Eventually.HoldsAsync(() => factory.Data.WithDb(db => db.ApiKeyUsage.AnyAsync(u => u.ApiKeyId == id)),
            "the usage flush ran after the clock passed its interval", seconds: 15);
    }

    [Fact]
    public async Task KeyUse_IsRolledUpPerKeyPerEndpointPerDay_AndSetsLastUsedAt()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.SurveyAsync(org, owner);
        var (id, secret) = await factory.Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        var before = await factory.Data.WithDb(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.LastUsedAt).SingleAsync());
        var firstDay = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/surveys/{survey}")).StatusCode);
        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();
        // The clock runs: the last use lies between a reading just before the last request and one just after it.
        var lastFrom = TestClock.Cut(factory.Clock.GetUtcNow(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);
        var lastTo = factory.Clock.GetUtcNow();
        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();

        var rows = await factory.Data.WithDb(db => db.ApiKeyUsage.Where(u => u.ApiKeyId == id).OrderBy(u => u.Endpoint).ToListAsync());
        Assert.Null(before);
        Assert.Equal([("GET /api/surveys", 4L), ("GET /api/surveys/{id}", 2L)], rows.Select(r => (r.Endpoint, r.Count)));
        Assert.All(rows, r => Assert.Contains(r.Day, new[] { firstDay, DateOnly.FromDateTime(lastTo.UtcDateTime) }));
        var key = JsonDocument.Parse(await client.GetStringAsync($"/api/api-keys/{id}")).RootElement;
        Assert.InRange(key.GetProperty("last_used_at").GetDateTimeOffset(), lastFrom, lastTo);
    }

    [Fact]
    public async Task AnsweredErrors_AreCountedApart_ForTheKeyPage()
    {
        // Through the whole pipeline: a 404 from a handler is a request the key made, counted as a 4xx.
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/surveys/sv_nosuchsurvey")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);
        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();

        var rows = await factory.Data.WithDb(db => db.ApiKeyUsage.Where(u => u.ApiKeyId == id).OrderBy(u => u.Endpoint).ToListAsync());
        Assert.Equal([("GET /api/surveys", 1L), ("GET /api/surveys/{id} (4xx)", 1L)], rows.Select(r => (r.Endpoint, r.Count)));
    }

    [Fact]
    public async Task RefusalsAfterTheKeyIsRecognised_AreCounted_WithTheirReasons()
    {
        // The refusals people come to debug: no X-Org-Id (400), another org's id (403), a lacking scope (403),
        // an unknown route (404). Each is counted as a 4xx of its route and kept with the reason it was given.
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (other, _) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner, scopes: ["surveys:read"]);

        Assert.Equal(HttpStatusCode.BadRequest, (await factory.ApiClient(secret, null).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ApiClient(secret, other).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ApiClient(secret, org).GetAsync("/api/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ApiClient(secret, org).GetAsync("/api/nothing-here")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(secret, org).GetAsync("/api/surveys")).StatusCode);
        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();

        var rows = await factory.Data.WithDb(db => db.ApiKeyUsage.Where(u => u.ApiKeyId == id).OrderBy(u => u.Endpoint).ToListAsync());
        Assert.Equal(
            [("GET /api/* (4xx)", 1L), ("GET /api/api-keys (4xx)", 1L), ("GET /api/surveys", 1L), ("GET /api/surveys (4xx)", 2L)],
            rows.Select(r => (r.Endpoint, r.Count)).OrderBy(r => r.Endpoint, StringComparer.Ordinal));
        var failures = await factory.Data.WithDb(db => db.ApiKeyFailures.Where(f => f.ApiKeyId == id).OrderBy(f => f.Id).ToListAsync());
        Assert.Equal([400, 403, 403, 404], failures.Select(f => f.Status));
        Assert.Contains("X-Org-Id header is required", failures[0].Reason);
        Assert.Contains("another organization", failures[1].Reason);
        Assert.Contains("lacks the 'api_keys:read' scope", failures[2].Reason);
        Assert.Contains("no such API endpoint", failures[3].Reason);
        Assert.All(failures, f => Assert.DoesNotContain(secret, f.Reason));
        Assert.All(failures, f => Assert.Equal(org, f.OrganizationId));
    }

    [Fact]
    public async Task AFailuresReason_KeepsNothingTheRequestSent()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner, scopes: ["surveys:read", "api_keys:read", "api_keys:write"]);
        var body = new StringContent("{\"name\":\"x\",\"sk_live_pasted_by_mistake\":1}", System.Text.Encoding.UTF8, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, (await factory.ApiClient(secret, org).PostAsync("/api/api-keys", body)).StatusCode);
        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();

        var failure = await factory.Data.WithDb(db => db.ApiKeyFailures.SingleAsync(f => f.ApiKeyId == id));
        Assert.Equal(400, failure.Status);
        Assert.StartsWith("The request body is not valid for this endpoint:", failure.Reason);
        Assert.DoesNotContain("sk_live_pasted", failure.Reason);
    }

    [Fact]
    public async Task RateLimitRefusals_AreCountedToo()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner);
        var limiter = factory.Services.GetRequiredService<KeyRateLimiter>();
        // Spend the key's minute without requests, then one more request is refused.
        while (limiter.Take(id).Allowed) { }

        var refused = await factory.ApiClient(secret, org).GetAsync("/api/surveys");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();

        var row = await factory.Data.WithDb(db => db.ApiKeyUsage.SingleAsync(u => u.ApiKeyId == id));
        Assert.Equal(("GET /api/surveys (4xx)", 1L), (row.Endpoint, row.Count));
        var failure = await factory.Data.WithDb(db => db.ApiKeyFailures.SingleAsync(f => f.ApiKeyId == id));
        Assert.Equal(429, failure.Status);
        Assert.Contains("requests in a minute", failure.Reason);
    }

    [Fact]
    public async Task OnlyTheNewestFailures_AreKept_PerKey()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner);
        var (otherId, otherSecret) = await factory.Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        var recorder = factory.Services.GetRequiredService<UsageRecorder>();
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ApiClient(otherSecret, org).GetAsync("/api/surveys/sv_other")).StatusCode);

        // Two flushes' worth, more than are kept: the oldest go, in the store and while waiting in memory.
        for (var i = 0; i < 15; i++) Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/surveys/sv_first{i}")).StatusCode);
        await recorder.FlushAsync();
        for (var i = 0; i < UsageRecorder.FailuresKeptPerKey + 5; i++) Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/surveys/sv_second{i}")).StatusCode);
        await recorder.FlushAsync();

        Assert.Equal(UsageRecorder.FailuresKeptPerKey, await factory.Data.WithDb(db => db.ApiKeyFailures.CountAsync(f => f.ApiKeyId == id)));
        Assert.Equal(1, await factory.Data.WithDb(db => db.ApiKeyFailures.CountAsync(f => f.ApiKeyId == otherId)));
        var usage = await factory.Data.WithDb(db => db.ApiKeyUsage.Where(u => u.ApiKeyId == id).SumAsync(u => u.Count));
        Assert.Equal(15 + UsageRecorder.FailuresKeptPerKey + 5, usage);
    }

    [Fact]
    public async Task FailuresOfAKeyDeletedBeforeTheFlush_AreNotWritten()
    {
        // The chain: a refused request waits in memory, the key is deleted, then the flush runs.
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner);
        var (otherId, otherSecret) = await factory.Data.KeyAsync(org, owner);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ApiClient(secret, org).GetAsync("/api/surveys/sv_none")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ApiClient(otherSecret, org).GetAsync("/api/surveys/sv_none")).StatusCode);
        Assert.True((await factory.Data.WithService<ApiKeyService, ServiceResult<bool>>(s => s.DeleteAsync(org, new Caller(owner, "127.0.0.1"), id))).Succeeded);

        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();

        Assert.Equal(0, await factory.Data.WithDb(db => db.ApiKeyFailures.CountAsync(f => f.ApiKeyId == id)));
        Assert.Equal(1, await factory.Data.WithDb(db => db.ApiKeyFailures.CountAsync(f => f.ApiKeyId == otherId)));
    }

    [Fact]
    public async Task DeletingAKey_DeletesItsFailures()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ApiClient(secret, org).GetAsync("/api/surveys/sv_none")).StatusCode);
        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();
        Assert.Equal(1, await factory.Data.WithDb(db => db.ApiKeyFailures.CountAsync(f => f.ApiKeyId == id)));

        var deleted = await factory.Data.WithService<ApiKeyService, ServiceResult<bool>>(s => s.DeleteAsync(org, new Caller(owner, "127.0.0.1"), id));

        Assert.True(deleted.Succeeded);
        Assert.Equal(0, await factory.Data.WithDb(db => db.ApiKeyFailures.CountAsync(f => f.ApiKeyId == id)));
    }
}

public sealed class UsageTestsOnSqlite(QuestraFactory factory) : UsageTests(factory), IClassFixture<QuestraFactory>;

public sealed class UsageTestsOnPostgres(PostgresFactory factory) : UsageTests(factory), IClassFixture<PostgresFactory>;
