using Microsoft.Extensions.Options;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Counts failed API authentications per client address in one-minute windows. Past the limit the client is
/// answered 429 with <c>Retry-After</c> until its window ends, without any key lookup — so guessing keys or
/// flooding with unknown ones costs us almost nothing. Other clients are unaffected.
/// </summary>
public sealed class FailedAuthThrottle(IOptionsMonitor<ApiKeyOptions> options, TimeProvider clock)
{
    private readonly FixedWindowCounters failures = new(clock, TimeSpan.FromMinutes(1), pruneAbove: 10_000);

    /// <summary>When the client is over its limit: how long until it may try again.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        var (count, resetIn) = failures.Peek(client);
        return count >= options.CurrentValue.FailedAuthPerMinute ? resetIn : null;
    }

    public void RecordFailure(string client) => failures.TryAdd(client);
}
