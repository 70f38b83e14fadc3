using System.Collections.Concurrent;

namespace Questra.Web.Features.Common;

/// <summary>
/// Counts events per key (a client address, an API key) in fixed one-window-at-a-time buckets, in memory, in a
/// bounded table: stale entries are dropped once there are more than <c>pruneAbove</c>, at most once a window (a
/// flood of distinct keys does not make every event scan the table), and past <c>capacity</c> keys a new key is
/// counted in one shared bucket, <see cref="Overflow"/>, until room is made — so the table never grows without
/// bound, and a flood from too many addresses is limited as one.
/// </summary>
public sealed class FixedWindowCounters(TimeProvider clock, TimeSpan window, int pruneAbove = 50_000, int capacity = 200_000)
{
    /// <summary>The shared bucket of the keys that found the table full.</summary>
    public const string Overflow = "(too many clients)";

    private sealed class Counter
    {
        public DateTimeOffset Start;
        public int Count;
    }

    private readonly ConcurrentDictionary<string, Counter> counters = new();
    private int size; // counters.Count locks the whole table: kept by hand instead
    private long lastPruneTicks;

    /// <summary>How many keys the table holds now (never more than the capacity, plus the shared bucket).</summary>
    public int Count => Volatile.Read(ref size);

    /// <summary>
    /// The count in the key's own current window and the time until it ends. A key without an entry of its own is at
    /// zero, even while the table is full: the shared bucket speaks only through <see cref="TryAdd"/>, so a flood of
    /// addresses cannot stop a client that has not failed.
    /// </summary>
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
        if (Count > pruneAbove) PruneOncePerWindow(now);
        var counter = CounterOf(key, now);
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

    /// <summary>
    /// Takes a count made elsewhere (another store that counts the same windows): the key's window ends in
    /// <paramref name="resetIn"/> and holds at least <paramref name="count"/>, so <see cref="Peek"/> answers from it.
    /// </summary>
    public void Raise(string key, int count, TimeSpan resetIn)
    {
        var now = clock.GetUtcNow();
        if (Count > pruneAbove) PruneOncePerWindow(now);
        if (!counters.ContainsKey(key) && Count >= capacity) return; // never into the shared bucket: that one counts only here
        var counter = CounterOf(key, now);
        lock (counter)
        {
            var start = now + resetIn - window;
            // Another window than this one (over, or more than a second apart: not the same window told twice) starts from the count given.
            if (counter.Start + window <= now || (start - counter.Start).Duration() > TimeSpan.FromSeconds(1)) counter.Count = 0;
            counter.Start = start;
            counter.Count = Math.Max(counter.Count, count);
        }
    }

    /// <summary>Takes back one event counted in the key's current window (one that turned out not to count); returns the count now.</summary>
    public int GiveBack(string key)
    {
        if (!counters.TryGetValue(key, out var counter)) return 0;
        lock (counter)
        {
            if (counter.Start + window > clock.GetUtcNow() && counter.Count > 0) counter.Count--;
            return counter.Count;
        }
    }

    private Counter CounterOf(string key, DateTimeOffset now)
    {
        if (counters.TryGetValue(key, out var counter)) return counter;
        if (Count >= capacity) key = Overflow;
        var fresh = new Counter { Start = now };
        if (counters.TryAdd(key, fresh))
        {
            Interlocked.Increment(ref size);
            return fresh;
        }
        return counters.TryGetValue(key, out counter) ? counter : fresh; // another request added it first (or it was just pruned)
    }

    private void PruneOncePerWindow(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref lastPruneTicks);
        if (now.UtcTicks - last < window.Ticks || Interlocked.CompareExchange(ref lastPruneTicks, now.UtcTicks, last) != last) return;
        foreach (var (key, counter) in counters)
        {
            if (counter.Start + window <= now && counters.TryRemove(key, out _)) Interlocked.Decrement(ref size);
        }
    }
}
