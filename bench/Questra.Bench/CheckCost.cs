using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Questra.Web.Api;
using Questra.Web.Components;
using Questra.Web.Components.Account;
using Questra.Web.Data;
using Questra.Web.Features;
using Questra.Web.Features.ApiKeys;

/// <summary>
/// What the key check itself costs, measured in-process and so free of the load generator and the network: the
/// app's own services are built on the benchmark database (its hosted services are not started, so nothing runs
/// beside the measurement), and each call is exactly what the API's authentication step does for one request —
/// a fresh request scope and HttpContext, then <c>AuthenticateAsync("ApiKey")</c>. The baseline is the same call
/// through the bench's baseline scheme (BaselineScheme), which answers with a fixed key. Scenarios alternate in
/// short blocks (order rotated each block) so a slow patch of the machine hits all of them alike. Reported per
/// scenario: the mean time added over the baseline (what throughput pays, garbage collection and cache refreshes
/// included), the typical call's added time (median over blocks of the block medians' difference), the p99
/// added, and the bytes allocated per call.
/// </summary>
internal static class CheckCost
{
    private sealed record Scenario(string Name, string[] Tokens, bool Succeeds);

    public static async Task<int> RunAsync(string dbPath, string outDir, int blocks, int callsPerBlock)
    {
        var meta = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(outDir, "meta.json")))!;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ApplicationName = typeof(QuestraDbContext).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Questra"] = $"Data Source={dbPath}",
            ["ApiKeys:FailedAuthPerMinute"] = "10000000", // the failure scenarios measure the check, not the throttle
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddQuestraDashboard();
        builder.Services.AddQuestraData(builder.Configuration, builder.Environment);
        builder.Services.AddQuestraIdentity();
        builder.Services.AddQuestraFeatures();
        builder.Services.AddQuestraApi(builder.Configuration);
        Questra.Bench.BaselineScheme.Add(builder.Services, meta["org"], meta["user"]);
        await using var app = builder.Build();

        var keys = await File.ReadAllLinesAsync(Path.Combine(outDir, "keys.txt"));
        Scenario[] scenarios =
        [
            new("baseline", [], true),
            new("one_key", keys[..1], true),
            new("keys_1000", keys[..1000], true),
            new("bad_checksum", await File.ReadAllLinesAsync(Path.Combine(outDir, "bad-checksum.txt")), false),
            new("unknown_key", await File.ReadAllLinesAsync(Path.Combine(outDir, "unknown.txt")), false),
        ];

        // Warm-up: every key read once (the cache fills as it would in the first seconds of traffic) and the JIT
        // given time to finish its optimised versions of the hot path.
        var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
        while (Stopwatch.GetTimestamp() < warmUntil)
        {
            foreach (var s in scenarios) await TimeBlockAsync(app.Services, s, 2_000, 0);
        }

        // Measured for longer than a cached key lives (ApiKeys:CacheSeconds, plus 10 s), so the keyed figures
        // include each key's periodic re-read from the database, as sustained traffic would.
        var cacheSeconds = app.Services.GetRequiredService<IOptions<ApiKeyOptions>>().Value.CacheSeconds;
        var durations = scenarios.ToDictionary(s => s.Name, _ => new List<long>());
        var blockMedians = scenarios.ToDictionary(s => s.Name, _ => new List<double>());
        var allocated = scenarios.ToDictionary(s => s.Name, _ => 0L);
        var measureUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * (cacheSeconds + 10);
        var blocksRun = 0;
        for (; blocksRun < blocks || Stopwatch.GetTimestamp() < measureUntil; blocksRun++)
        {
            for (var i = 0; i < scenarios.Length; i++)
            {
                var s = scenarios[(blocksRun + i) % scenarios.Length];
                GC.Collect(); // each block pays for its own garbage, not for the previous block's
                GC.WaitForPendingFinalizers();
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var block = await TimeBlockAsync(app.Services, s, callsPerBlock, blocksRun * callsPerBlock);
                allocated[s.Name] += GC.GetTotalAllocatedBytes(precise: true) - before;
                durations[s.Name].AddRange(block);
                blockMedians[s.Name].Add(Us(block.Order().ElementAt(callsPerBlock / 2)));
            }
        }

        Console.WriteLine($"check_cost blocks={blocksRun} calls_per_block={callsPerBlock} (in-process, one thread; microseconds per call)");
        var baseline = Summarize(durations["baseline"]);
        foreach (var s in scenarios)
        {
            var (mean, p50, p99) = Summarize(durations[s.Name]);
            // The typical call: a block's median is not moved by the odd garbage collection that lands in it.
            var typical = blockMedians[s.Name].Select((median, i) => median - blockMedians["baseline"][i]).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"check_cost scenario={s.Name} mean_us={mean:F2} p50_us={p50:F2} p99_us={p99:F2} " +
                $"added_mean_us={mean - baseline.Mean:F2} added_typical_us={typical[typical.Length / 2]:F2} " +
                $"added_p99_us={p99 - baseline.P99:F2} allocated_bytes_per_call={allocated[s.Name] / (double)durations[s.Name].Count:F0}"));
        }
        return 0;
    }

    private static (double Mean, double P50, double P99) Summarize(List<long> ticks)
    {
        var sorted = ticks.Order().ToArray();
        return (Us((long)sorted.Average()), Us(sorted[sorted.Length / 2]), Us(sorted[(int)(sorted.Length * 0.99)]));
    }

    private static double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    /// <summary>Runs one block of calls; returns each call's duration in stopwatch ticks.</summary>
    private static async Task<long[]> TimeBlockAsync(IServiceProvider services, Scenario s, int calls, int offset)
    {
        var durations = new long[calls];
        for (var i = 0; i < calls; i++)
        {
            var token = s.Tokens.Length == 0 ? null : s.Tokens[(offset + i) % s.Tokens.Length];
            var start = Stopwatch.GetTimestamp();
            var succeeded = await AuthenticateOnceAsync(services, token);
            durations[i] = Stopwatch.GetTimestamp() - start;
            if (succeeded != s.Succeeds)
            {
                throw new InvalidOperationException($"{s.Name}: authentication {(succeeded ? "succeeded" : "failed")} unexpectedly");
            }
        }
        return durations;
    }

    private static async Task<bool> AuthenticateOnceAsync(IServiceProvider services, string? token)
    {
        await using var scope = services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Connection.RemoteIpAddress = IPAddress.Loopback;
        if (token is not null)
        {
            http.Request.Headers.Authorization = "Bearer " + token;
        }
        // Without a key: the benchmark's baseline scheme (a fixed key, no check); with one: the real key check.
        var result = await http.AuthenticateAsync(token is null ? Questra.Bench.BaselineScheme.Name : ApiKeyAuthenticationHandler.SchemeName);
        return result.Succeeded;
    }
}
