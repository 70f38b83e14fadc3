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
        // Through the whole pipeline: a 404 from a handler is a request the key made, counted as an error.
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/surveys/sv_nosuchsurvey")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);
        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();

        var rows = await factory.Data.WithDb(db => db.ApiKeyUsage.Where(u => u.ApiKeyId == id).OrderBy(u => u.Endpoint).ToListAsync());
        Assert.Equal([("GET /api/surveys", 1L), ("GET /api/surveys/{id} (error)", 1L)], rows.Select(r => (r.Endpoint, r.Count)));
    }

    [Fact]
    public async Task FailedRequests_AreNotCounted()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner);

        Assert.Equal(HttpStatusCode.BadRequest, (await factory.ApiClient(secret, null).GetAsync("/api/surveys")).StatusCode);
        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();

        Assert.Equal(0, await factory.Data.WithDb(db => db.ApiKeyUsage.CountAsync(u => u.ApiKeyId == id)));
    }
}

public sealed class UsageTestsOnSqlite(QuestraFactory factory) : UsageTests(factory), IClassFixture<QuestraFactory>;

public sealed class UsageTestsOnPostgres(PostgresFactory factory) : UsageTests(factory), IClassFixture<PostgresFactory>;
