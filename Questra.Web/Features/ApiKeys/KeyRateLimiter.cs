using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Questra.Web.Features.ApiKeys;

/// <summary>Where a key stands in its current one-minute window.</summary>
public readonly record struct RateLimitState(bool Allowed, int Limit, int Remaining, TimeSpan ResetIn);

/// <summary>
/// Requests per key per minute (fixed windows, in memory, per instance). A script that loops too fast gets 429
/// with <c>Retry-After</c> instead of slowing everyone down; every answer carries <c>RateLimit-*</c> headers.
/// </summary>
public sealed class KeyRateLimiter(IOptionsMonitor<ApiKeyOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int PruneAbove = 50_000;

    private sealed class Counter
    {
        public DateTimeOffset Start;
        public int Count;
    }

    private readonly ConcurrentDictionary<string, Counter> keys = new();

    public RateLimitState Take(string keyId)
    {
        var now = clock.GetUtcNow();
        var limit = options.CurrentValue.RequestsPerMinutePerKey;
        if (keys.Count > PruneAbove) Prune(now);
        var counter = keys.GetOrAdd(keyId, _ => new Counter { Start = now });
        lock (counter)
        {
            if (counter.Start + Window <= now)
            {
                counter.Start = now;
                counter.Count = 0;
            }
            var resetIn = counter.Start + Window - now;
            if (counter.Count >= limit) return new RateLimitState(false, limit, 0, resetIn);
            counter.Count++;
            return new RateLimitState(true, limit, limit - counter.Count, resetIn);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, counter) in keys)
        {
            if (counter.Start + Window <= now) keys.TryRemove(key, out _);
        }
    }
}
