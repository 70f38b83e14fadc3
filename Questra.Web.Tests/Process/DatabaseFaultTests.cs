using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Process;

/// <summary>
/// The published behaviour when PostgreSQL fails under the app (as an OS process), injected through a proxy
/// between the two: stopped under load (503 + Retry-After, never a 500, the revoke says it did not take, recovery
/// within 2 s, usage kept) and frozen (answers within the short timeouts; <c>/healthz</c> unaffected). Readiness
/// (<c>/healthz/ready</c>) says 503 within its timeout in both, and 200 again once the database is back.
/// </summary>
[Collection(AppProcessCollection.Name)]
public sealed class DatabaseFaultTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly PostgresTestDatabase database = PostgresTestDatabase.Create();
    private FaultProxy proxy = null!;
    private AppProcess app = null!;
    private string org = "", adminSecret = "", keyId = "", secret = "";

    public async Task InitializeAsync()
    {
        using (var seed = QuestraFactory.OnDatabase(database))
        {
            string owner;
            (org, owner) = await seed.Data.OrgWithOwnerAsync();
            (_, adminSecret) = await seed.Data.KeyAsync(org, owner, name: "admin");
            (keyId, secret) = await seed.Data.KeyAsync(org, owner, name: "script");
        }
        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        proxy = FaultProxy.To(direct.Host!, direct.Port);
        var proxied = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port };
        app = await AppProcess.StartAsync(database,
            ("ConnectionStrings:Questra", proxied.ConnectionString),
            ("Usage:FlushSeconds", "1"));
        await app.WaitForOutputAsync("Listening for API key changes", TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        app?.Dispose();
        if (proxy is not null) await proxy.DisposeAsync();
        database.Dispose();
    }

    private HttpClient Api(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        client.DefaultRequestHeaders.Add("X-Org-Id", org);
        return client;
    }

    private sealed record Answer(TimeSpan At, HttpStatusCode Status, bool RetryAfter, string Body);

    [Fact]
    public async Task PostgresStoppedUnderLoad_Answers503WithRetryAfter_NeverA500_AndRecoversWithinTwoSeconds()
    {
        using var script = Api(secret);
        using var admin = Api(adminSecret);
        var clock = Stopwatch.StartNew();
        var answers = new ConcurrentQueue<Answer>();
        using var stopLoad = new CancellationTokenSource();
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                using var response = await script.GetAsync("/api/surveys");
                answers.Enqueue(new Answer(clock.Elapsed, response.StatusCode, response.Headers.RetryAfter is not null, await response.Content.ReadAsStringAsync()));
                await Task.Delay(20);
            }
        })));
        await Eventually.HoldsAsync(() => Task.FromResult(answers.Count(a => a.Status == HttpStatusCode.OK) >= 20), "the load is answered", seconds: 20);

        proxy.Down();
        var downAt = clock.Elapsed;
        await Eventually.HoldsAsync(() => Task.FromResult(answers.Any(a => a.At > downAt && a.Status == HttpStatusCode.ServiceUnavailable)),
            "a 503 while the database is down", seconds: 15);
        var revoke = await admin.PostAsync($"/api/api-keys/{keyId}/revoke", null);
        var revokeBody = await revoke.Content.ReadAsStringAsync();
        var health = Stopwatch.StartNew();
        var healthz = await new HttpClient().GetAsync($"{app.BaseUrl}/healthz");
        health.Stop();
        var readiness = Stopwatch.StartNew();
        var ready = await new HttpClient().GetAsync($"{app.BaseUrl}/healthz/ready");
        readiness.Stop();
        var readyBody = await ready.Content.ReadAsStringAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // the outage goes on under load

        proxy.Up();
        var upAt = clock.Elapsed;
        await Eventually.HoldsAsync(() => Task.FromResult(answers.Any(a => a.At > upAt && a.Status == HttpStatusCode.OK)),
            "an answer once the database is back", seconds: 15);
        var recovered = answers.Where(a => a.At > upAt && a.Status == HttpStatusCode.OK).Min(a => a.At) - upAt;
        await stopLoad.CancelAsync();
        await load;
        var all = answers.ToArray();
        var unavailable = all.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToArray();
        output.WriteLine($"{all.Length} answers: {all.Count(a => a.Status == HttpStatusCode.OK)} OK, {unavailable.Length} 503; recovered {recovered.TotalMilliseconds:F0} ms after the database came back");

        Assert.All(all, a => Assert.Contains(a.Status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.All(unavailable, a => Assert.True(a.RetryAfter, "a 503 without Retry-After"));
        Assert.All(unavailable, a => Assert.Contains("temporarily unavailable", a.Body, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", string.Concat(unavailable.Select(a => a.Body)), StringComparison.Ordinal);
        Assert.True(recovered < TimeSpan.FromSeconds(2), $"recovered only {recovered.TotalMilliseconds:F0} ms after the database came back");
        // The kill switch says it did not take.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, revoke.StatusCode);
        Assert.NotNull(revoke.Headers.RetryAfter);
        using (var problem = JsonDocument.Parse(revokeBody))
        {
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            Assert.True(problem.RootElement.TryGetProperty("type", out _));
            Assert.Contains("not carried out", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.True(health.Elapsed < TimeSpan.FromSeconds(1), $"/healthz took {health.ElapsedMilliseconds} ms during the outage");
        // Readiness says the instance cannot serve, within its timeout, naming the check and nothing about the database's address.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.True(readiness.Elapsed < TimeSpan.FromSeconds(3), $"/healthz/ready took {readiness.ElapsedMilliseconds} ms during the outage");
        using (var report = JsonDocument.Parse(readyBody))
        {
            Assert.Equal("Unhealthy", report.RootElement.GetProperty("status").GetString());
            Assert.Equal("Unhealthy", report.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        }
        Assert.DoesNotContain("127.0.0.1", readyBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await new HttpClient().GetAsync($"{app.BaseUrl}/healthz/ready")).StatusCode);
        // The same revoke after recovery takes, and bites.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/api-keys/{keyId}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/surveys")).StatusCode);

        // Usage counted in memory while the database was away is written once it is back: every answered request.
        await app.StopAsync();
        using var reader = QuestraFactory.OnDatabase(database);
        var counted = (await reader.Data.WithDb(db => db.ApiKeyUsage.Where(u => u.ApiKeyId == keyId).ToListAsync()))
            .Where(u => Web.Features.ApiKeys.UsageRecorder.StatusClass(u.Endpoint) is null).Sum(u => u.Count);
        Assert.Equal(all.Count(a => a.Status == HttpStatusCode.OK), counted);
        // One summarised warning for the outage, no stack traces.
        Assert.Contains("The database cannot be reached", app.OutputText);
        Assert.DoesNotContain("   at ", app.OutputText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgresFrozen_AnswersWithinTheShortTimeouts_AndHealthzStaysFast()
    {
        using var script = Api(secret);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/surveys")).StatusCode);

        proxy.Freeze();
        try
        {
            var timer = Stopwatch.StartNew();
            var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => script.GetAsync("/api/surveys")));
            var slowest = timer.Elapsed;
            var health = Stopwatch.StartNew();
            var healthz = await new HttpClient().GetAsync($"{app.BaseUrl}/healthz");
            health.Stop();
            var readiness = Stopwatch.StartNew();
            var ready = await new HttpClient().GetAsync($"{app.BaseUrl}/healthz/ready");
            readiness.Stop();
            output.WriteLine($"frozen database: 20 requests answered within {slowest.TotalMilliseconds:F0} ms; /healthz {health.ElapsedMilliseconds} ms; /healthz/ready {readiness.ElapsedMilliseconds} ms");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.True(readiness.Elapsed < TimeSpan.FromSeconds(3), $"/healthz/ready took {readiness.ElapsedMilliseconds} ms with the database frozen");

            Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.StatusCode));
            Assert.All(answers, a => Assert.NotNull(a.Headers.RetryAfter));
            // A new connection gives up after 3 s; a command already sent on a pooled connection after its 5 s timeout
            // and Npgsql's cancellation of it (measured 11 s): bounded, and the pool is not exhausted meanwhile.
            Assert.True(slowest < TimeSpan.FromSeconds(15), $"requests were held {slowest.TotalSeconds:F1} s");
            Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
            Assert.True(health.Elapsed < TimeSpan.FromSeconds(1), $"/healthz took {health.ElapsedMilliseconds} ms");
        }
        finally
        {
            proxy.Up();
        }
        await Eventually.HoldsAsync(async () => (await script.GetAsync("/api/surveys")).StatusCode == HttpStatusCode.OK, "recovery after the freeze", seconds: 15);
        await Eventually.HoldsAsync(async () => (await new HttpClient().GetAsync($"{app.BaseUrl}/healthz/ready")).StatusCode == HttpStatusCode.OK,
            "ready again after the freeze", seconds: 15);
    }
}
