using Microsoft.Extensions.Options;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Counts failed API authentications per client address in one-minute windows. Past the limit the client is
/// answered 429 with <c>Retry-After</c> until its window ends, without any key lookup — so guessing keys or
/// flooding with unknown ones costs us almost nothing. Other clients are unaffected.
/// </summary>
public sealed partial class FailedAuthThrottle(IOptionsMonitor<ApiKeyOptions> options, TimeProvider clock, ILogger<FailedAuthThrottle> logger)
{
    private readonly FixedWindowCounters failures = new(clock, TimeSpan.FromMinutes(1), pruneAbove: 10_000);

    /// <summary>When the client is over its limit: how long until it may try again.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        var (count, resetIn) = failures.Peek(client);
        return count >= options.CurrentValue.FailedAuthPerMinute ? resetIn : null;
    }

    /// <summary>
    /// Counts one failure. Single failures are not logged (a flood of bad keys must not become a flood of log
    /// lines); a client reaching the limit is, once per window.
    /// </summary>
    public void RecordFailure(string client)
    {
        var (_, count, resetIn) = failures.TryAdd(client);
        if (count == options.CurrentValue.FailedAuthPerMinute)
        {
            ClientThrottled(logger, client, count, (int)Math.Ceiling(resetIn.TotalSeconds));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {Client} made {Failures} failed API authentications within a minute; refusing it for {Seconds} s.")]
    private static partial void ClientThrottled(ILogger logger, string client, int failures, int seconds);
}
