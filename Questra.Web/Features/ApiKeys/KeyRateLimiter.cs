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
    private readonly FixedWindowCounters windows = new(clock, TimeSpan.FromMinutes(1), capacity: int.MaxValue); // keys are authenticated: no shared bucket

    public RateLimitState Take(string keyId)
    {
        var limit = options.CurrentValue.RequestsPerMinutePerKey;
        var (taken, count, resetIn) = windows.TryAdd(keyId, limit);
        return new RateLimitState(taken, limit, limit - count, resetIn);
    }

    /// <summary>Gives back the request just taken (an answer that does not count, such as a 304); returns how many remain.</summary>
    public int GiveBack(string keyId) => options.CurrentValue.RequestsPerMinutePerKey - windows.GiveBack(keyId);
}
