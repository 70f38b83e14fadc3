using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Questra.Web.Features.ApiKeys;

public sealed class ApiKeyOptions
{
    public const string Section = "ApiKeys";

    /// <summary>Failed authentications one client address may make per minute before it gets 429s.</summary>
    [Range(1, 100_000)]
    public int FailedAuthPerMinute { get; set; } = 20;

    /// <summary>Requests one key may make per minute.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerMinutePerKey { get; set; } = 600;
}

/// <summary>
/// Counts failed API authentications per client address in one-minute windows. Past the limit the client is
/// answered 429 with <c>Retry-After</c> until its window ends, without any key lookup — so guessing keys or
/// flooding with unknown ones costs us almost nothing. Other clients are unaffected.
/// </summary>
public sealed class FailedAuthThrottle(IOptionsMonitor<ApiKeyOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int PruneAbove = 10_000;

    private sealed class Counter
    {
        public DateTimeOffset Start;
        public int Failures;
    }

    private readonly ConcurrentDictionary<string, Counter> clients = new();

    /// <summary>When the client is over its limit: how long until it may try again.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        if (!clients.TryGetValue(client, out var counter)) return null;
        lock (counter)
        {
            var ends = counter.Start + Window;
            var now = clock.GetUtcNow();
            return counter.Failures >= options.CurrentValue.FailedAuthPerMinute && ends > now ? ends - now : null;
        }
    }

    public void RecordFailure(string client)
    {
        var now = clock.GetUtcNow();
        if (clients.Count > PruneAbove) Prune(now);
        var counter = clients.GetOrAdd(client, _ => new Counter { Start = now });
        lock (counter)
        {
            if (counter.Start + Window <= now)
            {
                counter.Start = now;
                counter.Failures = 0;
            }
            counter.Failures++;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (client, counter) in clients)
        {
            if (counter.Start + Window <= now) clients.TryRemove(client, out _);
        }
    }
}
