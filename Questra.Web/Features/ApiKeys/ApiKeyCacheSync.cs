using Microsoft.Extensions.Options;
using Npgsql;
using Questra.Web.Data;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Keeps every instance's <see cref="ApiKeyCache"/> honest. A change that narrows a key clears this instance's
/// cache and, on PostgreSQL, tells the other instances with <c>NOTIFY</c> before the change is reported done;
/// each instance <c>LISTEN</c>s and clears its own cache when told. While an instance is not listening (starting,
/// or its connection dropped) its cache stores nothing, so it can never serve a key another instance revoked;
/// the cache's short lifetime remains the last safety net.
/// <para>A connection can also stall without closing (a NAT or firewall silently drops it, the server process
/// hangs): notices would queue unseen. So the listener pings every <see cref="ApiKeyOptions.ChannelCheckMilliseconds"/>
/// and each answer renews the cache's lease for three such periods; a ping that does not answer within two
/// periods drops the connection and a new one is opened. The cache stops serving when the lease lapses, whatever
/// the connection is doing.</para>
/// <para>The same connection carries survey changes (<see cref="SurveyStamps.Channel"/>) for this instance's
/// <see cref="SurveyStamps"/> and <see cref="PublicForms"/>, under the same lease.</para>
/// </summary>
public sealed partial class ApiKeyCacheSync : BackgroundService
{
    public const string Channel = "questra_api_keys";

    private readonly ApiKeyCache cache;
    private readonly SurveyStamps stamps;
    private readonly PublicForms forms;
    private readonly LeasedCache[] guarded; // all kept honest by this channel, under one lease
    private readonly Telemetry.QuestraMetrics metrics;
    private readonly NpgsqlDataSource? dataSource;
    private readonly NpgsqlDataSource? channelSource;
    private readonly ILogger<ApiKeyCacheSync> logger;
    private readonly TimeSpan checkEvery;
    private readonly string instanceId = Guid.NewGuid().ToString("N");
    private bool listening = true; // so the first failure to start listening is said

    /// <summary>An <see cref="NpgsqlDataSource"/> is registered only when the app runs on PostgreSQL.</summary>
    public ApiKeyCacheSync(ApiKeyCache cache, IServiceProvider services, IOptions<ApiKeyOptions> options, ILogger<ApiKeyCacheSync> logger)
    {
        this.cache = cache;
        this.logger = logger;
        stamps = services.GetRequiredService<SurveyStamps>();
        forms = services.GetRequiredService<PublicForms>();
        guarded = [cache, stamps, forms];
        metrics = services.GetRequiredService<Telemetry.QuestraMetrics>();
        checkEvery = TimeSpan.FromMilliseconds(options.Value.ChannelCheckMilliseconds);
        dataSource = services.GetService<NpgsqlDataSource>();
        channelSource = services.GetService<ChannelDataSource>()?.Source;
        if (dataSource is not null)
        {
            foreach (var copy in guarded)
            {
                copy.Suspend(); // until this instance hears the others
                copy.RequireLease();
            }
        }
    }

    /// <summary>Called after a change that could narrow a key (revoke, delete, roll, role or membership change) is saved.</summary>
    public async Task KeysChangedAsync()
    {
        cache.Invalidate();
        if (dataSource is null) return;
        try
        {
            await using var command = dataSource.CreateCommand("SELECT pg_notify($1, $2)");
            command.Parameters.Add(new NpgsqlParameter { Value = Channel });
            command.Parameters.Add(new NpgsqlParameter { Value = instanceId });
            // Not cancelled with the request: the change is saved, so the others must hear of it.
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The change itself is saved; other instances drop their copy when their cache entries lapse.
            NotifyFailed(logger, ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (channelSource is null) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(channelSource, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                foreach (var copy in guarded) copy.Suspend();
                // Said once per outage, without a stack: it is an expected condition, retried every second.
                if (listening) ChannelLost(logger, ex.GetType().Name, ex.Message);
                else StillNoChannel(logger, ex.GetType().Name, ex.Message);
                listening = false;
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListenAsync(NpgsqlDataSource source, CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct);
        connection.Notification += (_, e) =>
        {
            if (e.Channel == SurveyStamps.Channel)
            {
                stamps.Notified(e.Payload);
                if (e.Payload.Length == 0) forms.ForgetAll(); // "forget everything" covers the forms too
                return;
            }
            if (e.Channel == PublicForms.Channel)
            {
                forms.Notified(e.Payload);
                return;
            }
            if (e.Channel != Channel || e.Payload == instanceId) return;
            cache.Invalidate();
            metrics.InvalidationReceived();
            ClearedByAnotherInstance(logger);
        };
        var listenedAt = Environment.TickCount64;
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}; LISTEN {SurveyStamps.Channel}; LISTEN {PublicForms.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }
        // Anything announced while we were not listening is unknown: start from an empty cache.
        foreach (var copy in guarded)
        {
            copy.Resume();
            copy.Renew(listenedAt, Lease);
        }
        listening = true;
        Listening(logger);
        await using var ping = new NpgsqlCommand("SELECT 1", connection);
        while (true)
        {
            // Notices arrive while we wait; then a ping proves that everything announced before it was sent has
            // reached us. A ping that does not answer in time throws (its connection dropped) and we reconnect.
            await connection.WaitAsync(checkEvery, ct);
            var sentAt = Environment.TickCount64;
            using var answerWithin = CancellationTokenSource.CreateLinkedTokenSource(ct);
            answerWithin.CancelAfter(2 * checkEvery);
            try
            {
                await ping.ExecuteScalarAsync(answerWithin.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"The key-change channel did not answer a ping within {2 * checkEvery.TotalMilliseconds:F0} ms.");
            }
            foreach (var copy in guarded) copy.Renew(sentAt, Lease);
        }
    }

    private TimeSpan Lease => 3 * checkEvery;

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not tell other instances that API keys changed; their cached keys lapse within the cache lifetime.")]
    private static partial void NotifyFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the key-change channel ({Error}: {Reason}); API keys are read from the database until it is back.")]
    private static partial void ChannelLost(ILogger logger, string error, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Key-change channel still unavailable ({Error}: {Reason}); retrying.")]
    private static partial void StillNoChannel(ILogger logger, string error, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Another instance changed API keys; cleared the cached keys.")]
    private static partial void ClearedByAnotherInstance(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for API key changes from other instances.")]
    private static partial void Listening(ILogger logger);
}
