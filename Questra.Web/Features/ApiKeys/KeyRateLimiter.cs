using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Where a key stands in its current one-minute window; <see cref="SharedWindow"/>: the Redis window the request was
/// counted in (null: counted in memory here), so an answer that does not count is given back where it was taken.
/// </summary>
public readonly record struct RateLimitState(bool Allowed, int Limit, int Remaining, TimeSpan ResetIn, long? SharedWindow = null);

/// <summary>A request taken from a key's limit, kept with the request until its answer is known.</summary>
public sealed record TakenRequest(string KeyId, long? SharedWindow);

/// <summary>
/// Requests per key per minute (fixed windows). A script that loops too fast gets 429 with <c>Retry-After</c>
/// instead of slowing everyone down; every answer carries <c>RateLimit-*</c> headers. Counted in memory here, or
/// with <c>Limits:Redis</c> for every instance together (<see cref="SharedWindows"/>): each instance reserves the
/// key's requests from Redis a few at a time (<see cref="BlockSize"/>: 1/32 of the limit, 1 to 64) and hands them
/// out locally, so a request rarely waits on Redis. No more than the limit is ever handed out in a window across
/// all instances; requests another instance reserved and did not use are lost to the window, so with several
/// instances a client may be refused up to (instances − 1) blocks before the limit (about 3 % of it per extra
/// instance; exactly at the limit for limits under 64).
/// </summary>
public sealed class KeyRateLimiter(IOptionsMonitor<ApiKeyOptions> options, TimeProvider clock, SharedWindows shared)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const string Bucket = "rate";

    private readonly FixedWindowCounters windows = new(clock, Window, capacity: int.MaxValue); // keys are authenticated: no shared bucket

    // This instance's reservation per key, for the window it was made in.
    private sealed class Block
    {
        public long Window;
        public long EndsAt; // Environment.TickCount64
        public int Left;
        public int Count; // the window's count in Redis as of the last reservation
        public bool Full; // Redis said the limit is reached: refuse here until the window ends
        public Task<SharedWindows.Reserved?>? Pending; // the one reservation under way for this key
    }

    private readonly ConcurrentDictionary<string, Block> blocks = new();
    private long lastPrune;

    public static int BlockSize(int limit) => Math.Clamp(limit / 32, 1, 64);

    public ValueTask<RateLimitState> TakeAsync(string keyId) =>
        shared.Enabled ? TakeSharedAsync(keyId) : new ValueTask<RateLimitState>(Take(keyId));

    /// <summary>Counted here, in memory (one instance, or Redis out of reach).</summary>
    public RateLimitState Take(string keyId)
    {
        var limit = options.CurrentValue.RequestsPerMinutePerKey;
        var (taken, count, resetIn) = windows.TryAdd(keyId, limit);
        return new RateLimitState(taken, limit, Math.Max(0, limit - count), resetIn);
    }

    private async ValueTask<RateLimitState> TakeSharedAsync(string keyId)
    {
        var limit = options.CurrentValue.RequestsPerMinutePerKey;
        PruneOncePerWindow(Environment.TickCount64);
        var block = blocks.GetOrAdd(keyId, _ => new Block());
        while (true)
        {
            Task<SharedWindows.Reserved?> pending;
            TaskCompletionSource<SharedWindows.Reserved?>? mine = null;
            lock (block)
            {
                if (TakeReserved(block, limit) is { } reserved) return reserved;
                // One reservation at a time per key: concurrent requests wait for it instead of each reserving a block.
                if (block.Pending is null)
                {
                    mine = new TaskCompletionSource<SharedWindows.Reserved?>(TaskCreationOptions.RunContinuationsAsynchronously);
                    block.Pending = mine.Task;
                }
                pending = block.Pending;
            }
            var before = Environment.TickCount64;
            SharedWindows.Reserved? got;
            if (mine is not null)
            {
                // Called outside the lock: Redis's client must never run (or wait) while request threads queue on it.
                try
                {
                    got = await shared.ReserveAsync(Bucket, keyId, limit, BlockSize(limit), Window);
                }
                catch
                {
                    got = null; // whatever failed, the requests waiting on this reservation are let go (counted here)
                }
                lock (block)
                {
                    block.Pending = null;
                    if (got is { } r) Add(block, r, before);
                }
                mine.SetResult(got);
            }
            else
            {
                got = await pending;
            }
            lock (block)
            {
                if (got is null)
                {
                    // Redis is out of reach: counted here from what the shared window had already counted.
                    if (block.EndsAt > Environment.TickCount64) windows.Raise(keyId, block.Count, TimeSpan.FromMilliseconds(block.EndsAt - Environment.TickCount64));
                    return Take(keyId);
                }
            }
        }
    }

    // A reservation into the key's block; the window ends where Redis said, counted from before the call (early, never late).
    private static void Add(Block block, SharedWindows.Reserved got, long before)
    {
        if (got.Window < block.Window) return; // a late answer for a window already over: its requests are lost to it
        if (got.Window > block.Window || before >= block.EndsAt)
        {
            (block.Window, block.Left, block.Count, block.Full) = (got.Window, 0, 0, false);
        }
        block.EndsAt = before + (long)got.ResetIn.TotalMilliseconds;
        block.Count = Math.Max(block.Count, got.Count);
        block.Left += got.Taken;
        block.Full = got.Taken == 0 && block.Left == 0;
    }

    // Under the block's lock: a request from this instance's reservation, or a refusal when Redis already said the
    // window is full; null: reserve more.
    private static RateLimitState? TakeReserved(Block block, int limit)
    {
        var now = Environment.TickCount64;
        if (now >= block.EndsAt) return null;
        if (block.Left > 0) return Hand(block, limit, now);
        return block.Full ? new RateLimitState(false, limit, 0, TimeSpan.FromMilliseconds(block.EndsAt - now), block.Window) : null;
    }

    private static RateLimitState Hand(Block block, int limit, long now)
    {
        block.Left--;
        return new RateLimitState(true, limit, Math.Max(0, limit - block.Count + block.Left), TimeSpan.FromMilliseconds(block.EndsAt - now), block.Window);
    }

    // Reservations of windows that ended are dropped, at most once a window.
    private void PruneOncePerWindow(long now)
    {
        var last = Interlocked.Read(ref lastPrune);
        if (now - last < (long)Window.TotalMilliseconds || Interlocked.CompareExchange(ref lastPrune, now, last) != last) return;
        foreach (var (key, block) in blocks)
        {
            lock (block)
            {
                // A block in use stays; one dropped is only reserved anew (its requests were lost to a window that ended).
                if (now >= block.EndsAt && block.Pending is null) blocks.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Gives back a request taken (an answer that does not count, such as a 304), where it was counted; returns how many remain.</summary>
    public int GiveBack(TakenRequest taken)
    {
        var limit = options.CurrentValue.RequestsPerMinutePerKey;
        if (taken.SharedWindow is not { } window) return Math.Max(0, limit - windows.GiveBack(taken.KeyId));
        // Back into this instance's reservation for the window it came from (a window that ended keeps nothing).
        if (!blocks.TryGetValue(taken.KeyId, out var block)) return 0;
        lock (block)
        {
            if (block.Window != window || Environment.TickCount64 >= block.EndsAt) return Math.Max(0, limit - block.Count + block.Left);
            block.Left++;
            block.Full = false;
            return Math.Max(0, limit - block.Count + block.Left);
        }
    }
}
