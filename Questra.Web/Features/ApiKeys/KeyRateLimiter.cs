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
/// instead of slowing everyone down; every answer carries <c>RateLimit-*</c> headers. Counted in Redis when
/// <c>Limits:Redis</c> is set (one limit across every instance: <see cref="SharedWindows"/>), else in memory here.
/// </summary>
public sealed class KeyRateLimiter(IOptionsMonitor<ApiKeyOptions> options, TimeProvider clock, SharedWindows shared)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const string Bucket = "rate";

    private readonly FixedWindowCounters windows = new(clock, Window, capacity: int.MaxValue); // keys are authenticated: no shared bucket

    public ValueTask<RateLimitState> TakeAsync(string keyId) =>
        shared.Enabled ? TakeSharedAsync(keyId) : new ValueTask<RateLimitState>(Take(keyId));

    /// <summary>Counted here, in memory (one instance, or Redis out of reach).</summary>
    public RateLimitState Take(string keyId)
    {
        var limit = options.CurrentValue.RequestsPerMinutePerKey;
        var (taken, count, resetIn) = windows.TryAdd(keyId, limit);
        return new RateLimitState(taken, limit, limit - count, resetIn);
    }

    private async ValueTask<RateLimitState> TakeSharedAsync(string keyId)
    {
        var limit = options.CurrentValue.RequestsPerMinutePerKey;
        return await shared.TryAddAsync(Bucket, keyId, limit, Window) is { } counted
            ? new RateLimitState(counted.Taken, limit, Math.Max(0, limit - counted.Count), counted.ResetIn, counted.Window)
            : Take(keyId);
    }

    /// <summary>Gives back a request taken (an answer that does not count, such as a 304), where it was counted; returns how many remain.</summary>
    public async ValueTask<int> GiveBackAsync(TakenRequest taken)
    {
        var limit = options.CurrentValue.RequestsPerMinutePerKey;
        if (taken.SharedWindow is not { } window) return limit - windows.GiveBack(taken.KeyId);
        return await shared.GiveBackAsync(Bucket, taken.KeyId, window) is { } count ? Math.Max(0, limit - count) : limit;
    }
}
