using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.ApiKeys;

/// <summary>An instance on a shared PostgreSQL database with limits in Redis (as in compose.yaml): 10 requests per key, 6 failures per client.</summary>
public sealed class SharedLimitsFactory(TestDatabase database, string redis, int perKey = SharedLimitsFactory.PerKey) : QuestraFactory(database, ownsDatabase: false)
{
    public const int PerKey = 10, Failures = 6, LeakReports = 3;

    /// <summary>What makes an instance one of several (compose.yaml sets each for its instances).</summary>
    public static readonly string[] InstanceSettings = ["Database:Provider", "ConnectionStrings:Questra", "Limits:Redis"];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting(InstanceSettings[2], redis);
        builder.UseSetting("ApiKeys:RequestsPerMinutePerKey", perKey.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("ApiKeys:FailedAuthPerMinute", Failures.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("ApiKeys:LeakReportsPerMinute", LeakReports.ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Two instances behind one load balancer enforce the configured limits once, not once each: a client alternating
/// between them is refused at the configured count. With Redis gone they keep serving, each counting alone, and
/// say so; authentication never depends on Redis.
/// </summary>
public sealed class SharedLimitsTests : IAsyncLifetime, IDisposable
{
    private readonly PostgresTestDatabase database = PostgresTestDatabase.Create();
    private RedisServer redis = null!;
    private SharedLimitsFactory a = null!, b = null!;

    public async Task InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        a = new SharedLimitsFactory(database, redis.Configuration);
        b = new SharedLimitsFactory(database, redis.Configuration);
        foreach (var app in new[] { a, b }) await SharedAsync(app);
        await redis.EarlyInAMinuteAsync(); // the test's requests fall in one window
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        a?.Dispose();
        b?.Dispose();
        redis?.Dispose();
        database.Dispose();
    }

    // Readiness says the limits are shared once the instance has connected to Redis.
    private static Task SharedAsync(QuestraFactory app) => Eventually.HoldsAsync(async () =>
        (await app.CreateClient().GetStringAsync("/healthz/ready")).Contains("shared through Redis", StringComparison.Ordinal), "limits shared through Redis", seconds: 20);

    private static int Remaining(HttpResponseMessage r) => int.Parse(r.Headers.GetValues("RateLimit-Remaining").Single(), CultureInfo.InvariantCulture);

    [Fact]
    public async Task AKeyAlternatingBetweenInstances_IsRefusedAtTheConfiguredCount()
    {
        var (org, owner) = await a.Data.OrgWithOwnerAsync();
        var (_, secret) = await a.Data.KeyAsync(org, owner);
        var clients = new[] { a.ApiClient(secret, org), b.ApiClient(secret, org) };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < SharedLimitsFactory.PerKey + 2; i++)
        {
            var answer = await clients[i % 2].GetAsync("/api/surveys");
            statuses.Add(answer.StatusCode);
            if (i < SharedLimitsFactory.PerKey) Assert.Equal(SharedLimitsFactory.PerKey - i - 1, Remaining(answer)); // one count for both
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, SharedLimitsFactory.PerKey).Concat([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]), statuses);
    }

    [Fact]
    public async Task ALargeLimit_IsHandedOutInReservedBlocks_NeverPastIt_AndRefusedAtMostABlockEarly()
    {
        // 640 a minute: each instance reserves 20 at a time. A burst on one, then alternating between the two: at most
        // 640 pass, and no fewer than 640 - 20 (the other instance's unused reservation).
        const int Limit = 640;
        using var bigA = new SharedLimitsFactory(database, redis.Configuration, Limit);
        using var bigB = new SharedLimitsFactory(database, redis.Configuration, Limit);
        await SharedAsync(bigA);
        await SharedAsync(bigB);
        var (org, owner) = await bigA.Data.OrgWithOwnerAsync();
        var (_, secret) = await bigA.Data.KeyAsync(org, owner);
        var clients = new[] { bigA.ApiClient(secret, org), bigB.ApiClient(secret, org) };
        await redis.EarlyInAMinuteAsync(withinSeconds: 5);
        // A burst of 64 at once on A takes blocks one reservation at a time (not 64 blocks: B would get nothing).
        var burst = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => clients[0].GetAsync("/api/surveys")));
        Assert.All(burst, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var passed = burst.Length;
        var refusedAt = -1;
        for (var i = burst.Length; i < Limit + 40; i++)
        {
            var status = (await clients[i % 2].GetAsync("/api/surveys")).StatusCode;
            if (status == HttpStatusCode.OK) passed++;
            else if (refusedAt < 0) refusedAt = i;
        }
        Assert.InRange(passed, Limit - Questra.Web.Features.ApiKeys.KeyRateLimiter.BlockSize(Limit), Limit);
        Assert.InRange(refusedAt, Limit - Questra.Web.Features.ApiKeys.KeyRateLimiter.BlockSize(Limit), Limit);
    }

    [Fact]
    public async Task AClientFailingAgainstBothInstances_IsThrottledAtTheConfiguredCount_AndGoodKeysStillWork()
    {
        var (org, owner) = await a.Data.OrgWithOwnerAsync();
        var (_, good) = await a.Data.KeyAsync(org, owner);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < SharedLimitsFactory.Failures + 2; i++)
        {
            var app = i % 2 == 0 ? a : b;
            statuses.Add((await app.ApiClientFrom("203.0.113.50", Questra.Web.Features.ApiKeys.ApiKeySecret.Generate(), org).GetAsync("/api/surveys")).StatusCode);
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, SharedLimitsFactory.Failures).Concat([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]), statuses);
        // Another client is not affected, on either instance.
        Assert.Equal(HttpStatusCode.OK, (await b.ApiClientFrom("203.0.113.51", good, org).GetAsync("/api/surveys")).StatusCode);
    }

    [Fact]
    public async Task LeakReportsFromOneAddress_AreThrottledOnceForBothInstances()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < SharedLimitsFactory.LeakReports + 1; i++)
        {
            var client = (i % 2 == 0 ? a : b).CreateClient();
            client.DefaultRequestHeaders.Add(QuestraFactory.ClientIpHeader, "203.0.113.60");
            statuses.Add((await client.PostAsync("/api/credentials/revoke", new StringContent(
                $$"""{"credentials":["{{Questra.Web.Features.ApiKeys.ApiKeySecret.Generate()}}"]}""", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Accepted, SharedLimitsFactory.LeakReports).Append(HttpStatusCode.TooManyRequests), statuses);
    }

    [Fact]
    public async Task WithRedisGone_EachInstanceCountsAlone_AuthenticationStillHolds_AndItSaysSo()
    {
        var (org, owner) = await a.Data.OrgWithOwnerAsync();
        var (_, secret) = await a.Data.KeyAsync(org, owner);
        Assert.Equal(HttpStatusCode.OK, (await a.ApiClient(secret, org).GetAsync("/api/surveys")).StatusCode);
        redis.Stop();

        // Limits fail open to per-instance counting: A alone allows the full count again.
        var onA = new List<HttpStatusCode>();
        for (var i = 0; i < SharedLimitsFactory.PerKey + 1; i++) onA.Add((await a.ApiClient(secret, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, onA[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, onA[^1]);
        Assert.Equal(HttpStatusCode.OK, (await b.ApiClient(secret, org).GetAsync("/api/surveys")).StatusCode);
        // Authentication does not: an unknown key is still refused.
        Assert.Equal(HttpStatusCode.Unauthorized, (await b.ApiClient(Questra.Web.Features.ApiKeys.ApiKeySecret.Generate(), org).GetAsync("/api/surveys")).StatusCode);
        Assert.Contains(a.Logs.Lines, l => l.Contains("Redis cannot be reached", StringComparison.Ordinal));

        // Back: shared again once A has reconnected (and left Redis alone for a moment after the failure), and it says so.
        await redis.StartAgainAsync();
        await SharedAsync(a);
        Assert.Equal(HttpStatusCode.OK, (await a.ApiClient(secret, org).GetAsync("/api/surveys")).StatusCode); // a new window in Redis
        Assert.Contains(a.Logs.Lines, l => l.Contains("Redis answers again", StringComparison.Ordinal));
    }
}
