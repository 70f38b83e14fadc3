using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Questra.Web.Features.Common;

namespace Questra.Web.Features.ApiKeys;

public sealed class ApiKeyOptions
{
    public const string Section = "ApiKeys";

    /// <summary>Failed authentications one client address may make per minute before it gets 429s.</summary>
    [Range(1, 10_000_000)]
    public int FailedAuthPerMinute { get; set; } = 20;

    /// <summary>How many authenticated keys are kept in memory at most.</summary>
    [Range(100, 10_000_000)]
    public int CacheSize { get; set; } = 100_000;

    /// <summary>How long a cached key is trusted before it is read again (a safety net; changes clear it at once).</summary>
    [Range(1, 300)]
    public int CacheSeconds { get; set; } = 30;

    /// <summary>Requests one key may make per minute.</summary>
    [Range(1, 100_000_000)]
    public int RequestsPerMinutePerKey { get; set; } = 600;
}

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
