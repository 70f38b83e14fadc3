using System.Collections.Concurrent;

namespace Questra.Web.Features.Common;

/// <summary>
/// Counts events per key (a client address, an API key) in fixed one-window-at-a-time buckets, in memory. Stale
/// entries are dropped once there are many, so a flood of distinct keys cannot grow it without bound.
/// </summary>
public sealed class FixedWindowCounters(TimeProvider clock, TimeSpan window, int pruneAbove = 50_000)
{
    private sealed class Counter
    {
        public DateTimeOffset Start;
        public int Count;
    }

    private readonly ConcurrentDictionary<string, Counter> counters = new();

    /// <summary>The count in the key's current window and the time until it ends.</summary>
    public (int Count, TimeSpan ResetIn) Peek(string key)
    {
        if (!counters.TryGetValue(key, out var counter)) return (0, window);
        lock (counter)
        {
            var now = clock.GetUtcNow();
            return counter.Start + window <= now ? (0, window) : (counter.Count, counter.Start + window - now);
        }
    }

    /// <summary>Counts one more event if the window has room under <paramref name="limit"/>.</summary>
    public (bool Taken, int Count, TimeSpan ResetIn) TryAdd(string key, int limit = int.MaxValue)
    {
        var now = clock.GetUtcNow();
        if (counters.Count > pruneAbove) Prune(now);
        var counter = counters.GetOrAdd(key, _ => new Counter { Start = now });
        lock (counter)
        {
            if (counter.Start + window <= now)
            {
                counter.Start = now;
                counter.Count = 0;
            }
            var resetIn = counter.Start + window - now;
            if (counter.Count >= limit) return (false, counter.Count, resetIn);
            counter.Count++;
            return (true, counter.Count, resetIn);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, counter) in counters)
        {
            if (counter.Start + window <= now) counters.TryRemove(key, out _);
        }
    }
}
