using System.ComponentModel.DataAnnotations;

namespace Questra.Web.Features.ApiKeys;

public sealed class ApiKeyOptions
{
    public const string Section = "ApiKeys";

    /// <summary>Failed authentications one client address may make per minute before it gets 429s.</summary>
    [Range(1, 10_000_000)]
    public int FailedAuthPerMinute { get; set; } = 20;

    /// <summary>Leaked-key reports (<c>POST /api/credentials/revoke</c>, no authentication) one client address may send per minute.</summary>
    [Range(1, 10_000)]
    public int LeakReportsPerMinute { get; set; } = 10;

    /// <summary>How many authenticated keys are kept in memory at most.</summary>
    [Range(100, 10_000_000)]
    public int CacheSize { get; set; } = 100_000;

    /// <summary>How long a cached key is trusted before it is read again (a safety net; changes clear it at once).</summary>
    [Range(1, 300)]
    public int CacheSeconds { get; set; } = 30;

    /// <summary>
    /// With several instances (PostgreSQL): how often the channel that carries other instances' key changes is
    /// proven alive. Cached keys are served for three of these after the last proof, so a stalled channel stops
    /// the cache within that time (1.5 s by default).
    /// </summary>
    [Range(100, 5_000)]
    public int ChannelCheckMilliseconds { get; set; } = 500;

    /// <summary>Requests one key may make per minute.</summary>
    [Range(1, 100_000_000)]
    public int RequestsPerMinutePerKey { get; set; } = 600;
}
