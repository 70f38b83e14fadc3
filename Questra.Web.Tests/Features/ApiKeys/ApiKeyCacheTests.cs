using System.Diagnostics;
using System.Net;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.ApiKeys;

/// <summary>The key cache makes checks cheap, and still no change to a key is ever late, whatever is cached.</summary>
public abstract class ApiKeyCacheTests(QuestraFactory factory)
{
    private int KeyTableQueries() =>
        factory.Logs.Lines.Count(l => l.Contains("Executed DbCommand") && l.Contains("FROM \"ApiKeys\""));

    [Fact]
    public async Task RepeatedRequests_ReadTheKeyFromTheDatabaseOnce()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, secret) = await factory.Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);
        var before = KeyTableQueries();

        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);

        Assert.Equal(before, KeyTableQueries());
    }

    [Fact]
    public async Task BadChecksum_NeverQueriesTheKeyTable()
    {
        var before = KeyTableQueries();
        var secret = ApiKeySecret.Generate();

        var response = await factory.ApiClient(secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'), "org_x").GetAsync("/api/surveys");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, KeyTableQueries());
    }

    private sealed record Shot(long StartedAt, HttpStatusCode Status);

    /// <summary>
    /// Hammers the key from several threads, applies <paramref name="change"/>, and returns the answers to the
    /// requests that started after the change had returned.
    /// </summary>
    private async Task<List<Shot>> HammerAcross(string secret, string org, string path, Func<Task> change)
    {
        var shots = new System.Collections.Concurrent.ConcurrentBag<Shot>();
        long changedAt = long.MaxValue;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            var client = factory.ApiClient(secret, org);
            var afterChange = 0;
            while (!stop.IsCancellationRequested && afterChange < 25)
            {
                var started = Stopwatch.GetTimestamp();
                var status = (await client.GetAsync(path)).StatusCode;
                shots.Add(new Shot(started, status));
                if (started > Interlocked.Read(ref changedAt)) afterChange++;
            }
        })).ToList();

        while (shots.Count(s => s.Status == HttpStatusCode.OK) < 60) await Task.Yield();
        await change();
        Interlocked.Exchange(ref changedAt, Stopwatch.GetTimestamp());
        await Task.WhenAll(workers);
        return shots.Where(s => s.StartedAt > changedAt).ToList();
    }

    [Fact]
    public async Task Revoke_UnderLoad_NoRequestStartedAfterItSucceeds()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner);

        var after = await HammerAcross(secret, org, "/api/surveys", () =>
            factory.Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RevokeAsync(org, new Caller(owner, null), id)));

        Assert.True(after.Count >= 100);
        Assert.Equal(0, after.Count(s => s.Status == HttpStatusCode.OK));
    }

    [Fact]
    public async Task Delete_UnderLoad_NoRequestStartedAfterItSucceeds()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner);

        var after = await HammerAcross(secret, org, "/api/surveys", () =>
            factory.Data.WithService<ApiKeyService, ServiceResult<bool>>(s => s.DeleteAsync(org, new Caller(owner, null), id)));

        Assert.Equal(0, after.Count(s => s.Status == HttpStatusCode.OK));
    }

    [Fact]
    public async Task OwnerDemoted_UnderLoad_KeyLosesTheSurveyAtOnce()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var admin = await factory.Data.UserAsync();
        await factory.Data.AddMemberAsync(org, admin, OrgRole.Admin);
        var survey = await factory.Data.SurveyAsync(org, owner);
        var (_, secret) = await factory.Data.KeyAsync(org, admin);

        var after = await HammerAcross(secret, org, $"/api/surveys/{survey}", () => factory.Data.SetRoleAsync(org, admin, OrgRole.Member));

        Assert.True(after.Count >= 100);
        Assert.All(after, s => Assert.Equal(HttpStatusCode.Forbidden, s.Status));
    }

    [Fact]
    public async Task Expiry_BitesOnACachedKey()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, secret) = await factory.Data.KeyAsync(org, owner, expiresAt: factory.Clock.GetUtcNow().AddMinutes(5));
        var client = factory.ApiClient(secret, org);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);

        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/surveys")).StatusCode);
    }

    [Fact]
    public void Cache_IsBoundedBySize()
    {
        var cache = new ApiKeyCache(Microsoft.Extensions.Options.Options.Create(new ApiKeyOptions { CacheSize = 100 }), TimeProvider.System);
        var key = new AuthenticatedKey("ak_x", "org_x", "u", OrgRole.Owner, ApiScopes.FullAccess, null, null);

        for (var i = 0; i < 1000; i++) cache.Store($"hash{i}", key, null, cache.Generation);

        Assert.InRange(cache.Count, 1, 100);
    }

    [Fact]
    public void LookupThatRacedAChange_IsNotStored()
    {
        var cache = new ApiKeyCache(Microsoft.Extensions.Options.Options.Create(new ApiKeyOptions()), TimeProvider.System);
        var key = new AuthenticatedKey("ak_x", "org_x", "u", OrgRole.Owner, ApiScopes.FullAccess, null, null);
        var readAt = cache.Generation;

        cache.Invalidate();
        cache.Store("hash", key, null, readAt);

        Assert.Null(cache.Find("hash", out _));
    }
}

public sealed class ApiKeyCacheTestsOnSqlite(QuestraFactory factory) : ApiKeyCacheTests(factory), IClassFixture<QuestraFactory>;

public sealed class ApiKeyCacheTestsOnPostgres(PostgresFactory factory) : ApiKeyCacheTests(factory), IClassFixture<PostgresFactory>;
