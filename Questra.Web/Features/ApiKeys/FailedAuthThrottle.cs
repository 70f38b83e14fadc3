using Microsoft.Extensions.Options;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Counts failed API authentications per client address in one-minute windows. Past the limit the client is
/// answered 429 with <c>Retry-After</c> until its window ends, without any key lookup — so guessing keys or
/// flooding with unknown ones costs us almost nothing. Other clients are unaffected.
/// </summary>
/// With <c>Limits:Redis</c> the failures are counted there, by every instance together (<see cref="SharedWindows"/>);
/// each instance keeps the counts it learns, so a client over the limit is refused here without asking Redis.
public sealed partial class FailedAuthThrottle(IOptionsMonitor<ApiKeyOptions> options, TimeProvider clock, ILogger<FailedAuthThrottle> logger,
    SharedWindows? shared = null)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly FixedWindowCounters failures = new(clock, Window, pruneAbove: 10_000, capacity: 200_000);

    /// <summary>How many clients the throttle holds counts for (bounded).</summary>
    public int TrackedClients => failures.Count;

    /// <summary>
    /// Whom a failure is counted against: the address, or for IPv6 its /64 — one subscriber's network, where each
    /// device (and an attacker) has 2^64 addresses to rotate through.
    /// </summary>
    public static string ClientKey(string client)
    {
        // IPv4 (the common case, on every request) without parsing: only IPv6 text has a colon.
        if (!client.Contains(':') || !System.Net.IPAddress.TryParse(client, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6
            || address.IsIPv4MappedToIPv6)
        {
            return client;
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new System.Net.IPAddress(bytes)}/64";
    }

    /// <summary>When the client is over its limit: how long until it may try again.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        var (count, resetIn) = failures.Peek(ClientKey(client));
        return count >= options.CurrentValue.FailedAuthPerMinute ? resetIn : null;
    }

    /// <summary>
    /// Counts one failure; returns how long to wait when this failure put the client (or, for a client the full
    /// table had no room for, the shared bucket of such clients) over the limit. Single failures are not logged (a
    /// flood of bad keys must not become a flood of log lines); a client reaching the limit is, once per window.
    /// </summary>
    public ValueTask<TimeSpan?> RecordFailureAsync(string client) =>
        shared is { Enabled: true } ? RecordSharedAsync(client) : new ValueTask<TimeSpan?>(RecordFailure(client));

    private async ValueTask<TimeSpan?> RecordSharedAsync(string client)
    {
        var key = ClientKey(client);
        if (await shared!.TryAddAsync("failed-auth", key, int.MaxValue, Window) is not { } counted) return RecordFailure(client);
        failures.Raise(key, counted.Count, counted.ResetIn);
        var limit = options.CurrentValue.FailedAuthPerMinute;
        if (counted.Count == limit) ClientThrottled(logger, client, counted.Count, (int)Math.Ceiling(counted.ResetIn.TotalSeconds));
        return counted.Count > limit ? counted.ResetIn : null;
    }

    /// <summary>Counts one failure here, in memory (one instance, or Redis out of reach).</summary>
    public TimeSpan? RecordFailure(string client)
    {
        var limit = options.CurrentValue.FailedAuthPerMinute;
        var (_, count, resetIn) = failures.TryAdd(ClientKey(client));
        if (count == limit)
        {
            ClientThrottled(logger, client, count, (int)Math.Ceiling(resetIn.TotalSeconds));
        }
        return count > limit ? resetIn : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {Client} made {Failures} failed API authentications within a minute; refusing it for {Seconds} s.")]
    private static partial void ClientThrottled(ILogger logger, string client, int failures, int seconds);
}
