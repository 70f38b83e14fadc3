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
/// Fixed windows counted in Redis, so every instance enforces one limit. A window is a key per bucket, subject and
/// window number, the number read off Redis's own clock (so instances whose clocks differ still count in the same
/// window), taken and counted in one script run, expiring after its window. When Redis cannot be reached (not
/// connected, or an error or no answer within <see cref="Timeout"/>, after which it is left alone for
/// <see cref="Pause"/>), every call answers null and the caller counts in memory on its own: limits fail open, per
/// instance, and the log, the metrics and readiness say so. Authentication never depends on Redis.
/// </summary>
public sealed partial class SharedWindows : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan Pause = TimeSpan.FromSeconds(5);

    /// <summary>One event counted: whether it was under the limit, the count now, what is left of the window, and which window.</summary>
    public readonly record struct Counted(bool Taken, int Count, TimeSpan ResetIn, long Window);

    // KEYS[1]: the subject's key without its window; ARGV[1]: the limit, ARGV[2]: the window in ms, ARGV[3]: how many
    // to reserve. Reserves up to that many under the limit: {reserved, the count now, the window's number, ms left}.
    private const string ReserveScript = """
        local now = redis.call('TIME')
        local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        local length = tonumber(ARGV[2])
        local n = math.floor(ms / length)
        local key = KEYS[1] .. ':' .. n
        local left = (n + 1) * length - ms
        local c = tonumber(redis.call('GET', key) or '0')
        local take = math.min(tonumber(ARGV[3]), tonumber(ARGV[1]) - c)
        if take <= 0 then return {0, c, n, left} end
        c = redis.call('INCRBY', key, take)
        if c == take then redis.call('PEXPIRE', key, left + 5000) end
        return {take, c, n, left}
        """;

    // Connecting runs in the background (a start never waits for Redis); until it is done, limits count here.
    private readonly Task<ConnectionMultiplexer>? connecting;
    private ConnectionMultiplexer? Multiplexer => connecting is { IsCompletedSuccessfully: true } ? connecting.Result : null;
    private readonly ILogger<SharedWindows> logger;
    private readonly Telemetry.QuestraMetrics metrics;
    private int reportedDown;
    private long leftAloneUntil; // Environment.TickCount64

    public SharedWindows(IOptions<LimitsOptions> options, Telemetry.QuestraMetrics metrics, ILogger<SharedWindows> logger)
    {
        this.logger = logger;
        this.metrics = metrics;
        if (string.IsNullOrWhiteSpace(options.Value.Redis)) return;
        var configuration = ConfigurationOptions.Parse(options.Value.Redis);
        configuration.AbortOnConnectFail = false; // start without it; connect (and reconnect) in the background
        configuration.ConnectTimeout = 2000;
        configuration.AsyncTimeout = (int)Timeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)Timeout.TotalMilliseconds;
        configuration.ClientName = "questra";
        connecting = ConnectionMultiplexer.ConnectAsync(configuration);
        metrics.ObserveSharedLimits(() => Connected);
    }

    /// <summary>Whether limits are to be shared at all (Redis configured).</summary>
    public bool Enabled => connecting is not null;

    /// <summary>Whether limits are shared right now (connected, and not left alone after a failure).</summary>
    public bool Connected => Usable is not null;

    private ConnectionMultiplexer? Usable =>
        Multiplexer is { IsConnected: true } redis && Environment.TickCount64 >= Interlocked.Read(ref leftAloneUntil) ? redis : null;

    /// <summary>
    /// Counts one event of <paramref name="subject"/> in <paramref name="bucket"/>'s current window if the count is
    /// under <paramref name="limit"/>; null when Redis cannot be reached (the caller counts on its own).
    /// </summary>
    public async ValueTask<Counted?> TryAddAsync(string bucket, string subject, int limit, TimeSpan window) =>
        await ReserveAsync(bucket, subject, limit, size: 1, window) is { } one ? new Counted(one.Taken > 0, one.Count, one.ResetIn, one.Window) : null;

    /// <summary>One reservation: how many were reserved (0: the limit is reached), the window's count with them, time left, which window.</summary>
    public readonly record struct Reserved(int Taken, int Count, TimeSpan ResetIn, long Window);

    /// <summary>
    /// Reserves up to <paramref name="size"/> events of <paramref name="subject"/> in <paramref name="bucket"/>'s current
    /// window, never past <paramref name="limit"/>; null when Redis cannot be reached.
    /// </summary>
    public async ValueTask<Reserved?> ReserveAsync(string bucket, string subject, int limit, int size, TimeSpan window)
    {
        if (Usable is not { } redis)
        {
            Unavailable(null);
            return null;
        }
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ReserveScript, [Key(bucket, subject)],
                [limit, (long)window.TotalMilliseconds, size]))!;
            Available();
            return new Reserved((int)(long)result[0], (int)Math.Min(int.MaxValue, (long)result[1]), TimeSpan.FromMilliseconds((long)result[3]), (long)result[2]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Unavailable(e);
            return null;
        }
    }

    private static RedisKey Key(string bucket, string subject) => $"questra:{bucket}:{subject}";

    private void Available()
    {
        if (Volatile.Read(ref reportedDown) == 1 && Interlocked.Exchange(ref reportedDown, 0) == 1) SharedAgain(logger);
    }

    private void Unavailable(Exception? e)
    {
        metrics.LimitCountedLocally();
        if (e is not null) Interlocked.Exchange(ref leftAloneUntil, Environment.TickCount64 + (long)Pause.TotalMilliseconds);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers again: limits are shared by every instance.")]
    private static partial void SharedAgain(ILogger logger);
}
