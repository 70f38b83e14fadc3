using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Questra.Web.Features.ApiKeys;

/// <summary><c>Limits</c>: where the per-key rate limit and the failed-authentication throttle count.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>
    /// A Redis server every instance reaches (StackExchange.Redis configuration, e.g. <c>redis:6379</c> or
    /// <c>redis:6379,password=…,ssl=true</c>). Unset: each instance counts on its own, in memory.
    /// </summary>
    public string? Redis { get; set; }
}

/// <summary>
/// Fixed windows counted in Redis, so every instance enforces one limit: a window is a key per bucket, subject and
/// window number (aligned to the clock: minute <c>n</c> since 1970), taken and counted in one script run, expiring
/// after its window. When Redis cannot be reached (not connected, or no answer within <see cref="Timeout"/>)
/// every call answers null and the caller counts in memory on its own — limits fail open, per instance, and the
/// log and metrics say so; authentication never depends on Redis.
/// </summary>
public sealed partial class SharedWindows : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    // Counts one if there is room under ARGV[1] (the new count), else returns minus the count; the key expires ARGV[2] ms later.
    private const string TakeScript = """
        local c = tonumber(redis.call('GET', KEYS[1]) or '0')
        if c >= tonumber(ARGV[1]) then return -c end
        c = redis.call('INCR', KEYS[1])
        if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return c
        """;

    private const string GiveBackScript = """
        local c = tonumber(redis.call('GET', KEYS[1]) or '0')
        if c > 0 then return redis.call('DECR', KEYS[1]) end
        return 0
        """;

    // Connecting runs in the background (a start never waits for Redis); until it is done, limits count here.
    private readonly Task<ConnectionMultiplexer>? connecting;
    private ConnectionMultiplexer? Multiplexer => connecting is { IsCompletedSuccessfully: true } ? connecting.Result : null;
    private readonly TimeProvider clock;
    private readonly ILogger<SharedWindows> logger;
    private readonly Telemetry.QuestraMetrics metrics;
    private int reportedDown;

    public SharedWindows(IOptions<LimitsOptions> options, TimeProvider clock, Telemetry.QuestraMetrics metrics, ILogger<SharedWindows> logger)
    {
        this.clock = clock;
        this.logger = logger;
        this.metrics = metrics;
        if (string.IsNullOrWhiteSpace(options.Value.Redis)) return;
        var configuration = ConfigurationOptions.Parse(options.Value.Redis);
        configuration.AbortOnConnectFail = false; // start without it; connect (and reconnect) in the background
        configuration.ConnectTimeout = 2000;
        configuration.AsyncTimeout = (int)Timeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)Timeout.TotalMilliseconds;
        configuration.ClientName = "questra";
        connecting = ConnectAsync(configuration);
        metrics.ObserveSharedLimits(() => Multiplexer?.IsConnected == true);
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
        multiplexer.ConnectionRestored += (_, _) =>
        {
            if (Interlocked.Exchange(ref reportedDown, 0) == 1) SharedAgain(logger);
        };
        return multiplexer;
    }

    /// <summary>Whether limits are to be shared at all (Redis configured).</summary>
    public bool Enabled => connecting is not null;

    /// <summary>Whether limits are shared right now (Redis configured and connected).</summary>
    public bool Connected => Multiplexer?.IsConnected == true;

    /// <summary>
    /// Counts one event of <paramref name="subject"/> in <paramref name="bucket"/>'s current window if the count is
    /// under <paramref name="limit"/>: (taken, the count now, time left in the window); null when Redis cannot be reached.
    /// </summary>
    public async ValueTask<(bool Taken, int Count, TimeSpan ResetIn)?> TryAddAsync(string bucket, string subject, int limit, TimeSpan window)
    {
        if (Multiplexer is not { IsConnected: true } redis)
        {
            Unavailable(null);
            return null;
        }
        var (key, resetIn) = Window(bucket, subject, window);
        try
        {
            var result = (long)await redis.GetDatabase().ScriptEvaluateAsync(TakeScript, [key],
                [limit, (long)(resetIn + TimeSpan.FromSeconds(5)).TotalMilliseconds]);
            return (result > 0, (int)Math.Min(int.MaxValue, Math.Abs(result)), resetIn);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Unavailable(e);
            return null;
        }
    }

    /// <summary>Takes back one event counted in the current window; the count now, or null when Redis cannot be reached.</summary>
    public async ValueTask<int?> GiveBackAsync(string bucket, string subject, TimeSpan window)
    {
        if (Multiplexer is not { IsConnected: true } redis) return null;
        try
        {
            return (int)(long)await redis.GetDatabase().ScriptEvaluateAsync(GiveBackScript, [Window(bucket, subject, window).Key]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Unavailable(e);
            return null;
        }
    }

    private (RedisKey Key, TimeSpan ResetIn) Window(string bucket, string subject, TimeSpan window)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var length = (long)window.TotalMilliseconds;
        var number = now / length;
        return ($"questra:{bucket}:{number}:{subject}", TimeSpan.FromMilliseconds((number + 1) * length - now));
    }

    private void Unavailable(Exception? e)
    {
        metrics.LimitCountedLocally();
        if (Interlocked.Exchange(ref reportedDown, 1) == 0) SharedUnavailable(logger, e?.GetType().Name ?? "not connected");
    }

    public void Dispose() => Multiplexer?.Dispose();

    /// <summary>Starts connecting when the app starts, not at the first request that needs a limit.</summary>
    internal sealed class ConnectAtStart(SharedWindows windows) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(windows); // made (and connecting) with this service, at start
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis cannot be reached ({Reason}): rate limits and the failed-authentication throttle count per instance until it is back.")]
    private static partial void SharedUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is reachable again: limits are shared by every instance.")]
    private static partial void SharedAgain(ILogger logger);
}
