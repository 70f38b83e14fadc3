using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Questra.Web.Features.ApiKeys;

/// <summary>
/// What the failed-authentication throttle costs per refused request (the check before authentication plus the
/// count after it) while the number of distinct failing clients in the current minute grows from none to 100,000:
/// the answer to "refusing made-up keys costs almost nothing" under a flood from many addresses.
/// </summary>
internal static class ThrottleCost
{
    public static int Run(int rounds)
    {
        int[] sizes = [0, 1_000, 10_000, 20_000, 50_000, 100_000];
        const int Measured = 20_000;
        Measure(0, 1, Measured); // warm-up: the JIT's first tiers are not what a busy server runs
        Console.WriteLine($"distinct failing clients in the window -> ns per refused request (median of {rounds} rounds of {Measured:N0} new clients)");
        foreach (var size in sizes)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size,7:N0} -> {Measure(size, rounds, Measured),7:F0} ns"));
        }
        return 0;
    }

    // The median over rounds of the ns per refused request of Measured new clients, after size others failed.
    private static double Measure(int size, int rounds, int measured)
    {
        var samples = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var throttle = new FailedAuthThrottle(new Fixed(new ApiKeyOptions { FailedAuthPerMinute = 20 }), TimeProvider.System,
                NullLogger<FailedAuthThrottle>.Instance);
            for (var i = 0; i < size; i++) Refuse(throttle, Client(i));
            var clients = Enumerable.Range(size, measured).Select(Client).ToArray();
            var started = Stopwatch.GetTimestamp();
            foreach (var client in clients) Refuse(throttle, client);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalNanoseconds / measured);
        }
        return samples.Order().ElementAt(samples.Count / 2);
    }

    private static void Refuse(FailedAuthThrottle throttle, string client)
    {
        if (throttle.RetryAfter(client) is null) throttle.RecordFailure(client);
    }

    private static string Client(int i) => $"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}";

    private sealed class Fixed(ApiKeyOptions value) : IOptionsMonitor<ApiKeyOptions>
    {
        public ApiKeyOptions CurrentValue => value;
        public ApiKeyOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<ApiKeyOptions, string?> listener) => null;
    }
}
