using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
/// without an Authorization header, which the benchmark bypass answers with a fixed key. Scenarios alternate in
/// short blocks (order rotated each block) so a slow patch of the machine hits all of them alike; the cost added
/// by the check is taken per block against that block's baseline, then the median over blocks.
/// </summary>
internal static class CheckCost
{
    private sealed record Scenario(string Name, string[] Tokens, bool Succeeds);

    public static async Task<int> RunAsync(string dbPath, string outDir, int blocks, int callsPerBlock)
    {
        var meta = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(outDir, "meta.json")))!;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Benchmark",
            ApplicationName = typeof(QuestraDbContext).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Questra"] = $"Data Source={dbPath}",
            ["Benchmark:BypassAuthentication"] = "true",
            ["Benchmark:OrgId"] = meta["org"],
            ["Benchmark:UserId"] = meta["user"],
            ["ApiKeys:FailedAuthPerMinute"] = "10000000", // the failure scenarios measure the check, not the throttle
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddQuestraDashboard();
        builder.Services.AddQuestraData(builder.Configuration, builder.Environment);
        builder.Services.AddQuestraIdentity(builder.Configuration);
        builder.Services.AddQuestraFeatures();
        builder.Services.AddQuestraApi(builder.Configuration);
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
            foreach (var s in scenarios) await TimeBlockAsync(app.Services, s, 2_000, null, null);
        }

        var durations = scenarios.ToDictionary(s => s.Name, _ => new List<long>(blocks * callsPerBlock));
        var blockMeans = scenarios.ToDictionary(s => s.Name, _ => new List<double>(blocks));
        var allocated = scenarios.ToDictionary(s => s.Name, _ => 0L);
        for (var b = 0; b < blocks; b++)
        {
            for (var i = 0; i < scenarios.Length; i++)
            {
                var s = scenarios[(b + i) % scenarios.Length];
                GC.Collect(); // each block pays for its own garbage, not for the previous block's
                GC.WaitForPendingFinalizers();
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var (sum, _) = await TimeBlockAsync(app.Services, s, callsPerBlock, durations[s.Name], b * callsPerBlock);
                allocated[s.Name] += GC.GetTotalAllocatedBytes(precise: true) - before;
                blockMeans[s.Name].Add(sum / callsPerBlock);
            }
        }

        var baseline = blockMeans["baseline"];
        Console.WriteLine($"check_cost blocks={blocks} calls_per_block={callsPerBlock} (in-process, one thread; times in microseconds per call)");
        foreach (var s in scenarios)
        {
            var sorted = durations[s.Name].Order().ToArray();
            var added = blockMeans[s.Name].Select((mean, i) => mean - baseline[i]).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"check_cost scenario={s.Name} mean_us={blockMeans[s.Name].Average():F2} p50_us={Us(sorted[sorted.Length / 2]):F2} " +
                $"p99_us={Us(sorted[(int)(sorted.Length * 0.99)]):F2} added_mean_us={added[added.Length / 2]:F2} " +
                $"added_range_us={added[0]:F2}..{added[^1]:F2} " +
                $"added_p99_us={Us(sorted[(int)(sorted.Length * 0.99)]) - Us(durations["baseline"].Order().ElementAt((int)(sorted.Length * 0.99))):F2} " +
                $"allocated_bytes_per_call={allocated[s.Name] / ((double)blocks * callsPerBlock):F0}"));
        }
        return 0;
    }

    private static double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    /// <summary>Runs one block of calls; returns the sum of their durations in microseconds.</summary>
    private static async Task<(double SumUs, int Calls)> TimeBlockAsync(IServiceProvider services, Scenario s, int calls, List<long>? record, int? offset)
    {
        double sum = 0;
        for (var i = 0; i < calls; i++)
        {
            var token = s.Tokens.Length == 0 ? null : s.Tokens[((offset ?? 0) + i) % s.Tokens.Length];
            var start = Stopwatch.GetTimestamp();
            var succeeded = await AuthenticateOnceAsync(services, token);
            var elapsed = Stopwatch.GetTimestamp() - start;
            if (succeeded != s.Succeeds)
            {
                throw new InvalidOperationException($"{s.Name}: authentication {(succeeded ? "succeeded" : "failed")} unexpectedly");
            }
            record?.Add(elapsed);
            sum += Us(elapsed);
        }
        return (sum, calls);
    }

    private static async Task<bool> AuthenticateOnceAsync(IServiceProvider services, string? token)
    {
        await using var scope = services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Connection.RemoteIpAddress = IPAddress.Loopback;
        http.Request.Headers[ApiAccessFilter.OrgHeader] = "org_x";
        if (token is not null)
        {
            http.Request.Headers.Authorization = "Bearer " + token;
        }
        var result = await http.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
        return result.Succeeded;
    }
}
