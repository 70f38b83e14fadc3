using Npgsql;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Keeps every instance's <see cref="ApiKeyCache"/> honest. A change that narrows a key clears this instance's
/// cache and, on PostgreSQL, tells the other instances with <c>NOTIFY</c> before the change is reported done;
/// each instance <c>LISTEN</c>s and clears its own cache when told. While an instance is not listening (starting,
/// or its connection dropped) its cache stores nothing, so it can never serve a key another instance revoked;
/// the cache's short lifetime remains the last safety net.
/// </summary>
public sealed partial class ApiKeyCacheSync : BackgroundService
{
    public const string Channel = "questra_api_keys";

    private readonly ApiKeyCache cache;
    private readonly NpgsqlDataSource? dataSource;
    private readonly ILogger<ApiKeyCacheSync> logger;
    private readonly string instanceId = Guid.NewGuid().ToString("N");

    /// <summary>An <see cref="NpgsqlDataSource"/> is registered only when the app runs on PostgreSQL.</summary>
    public ApiKeyCacheSync(ApiKeyCache cache, IServiceProvider services, ILogger<ApiKeyCacheSync> logger)
    {
        this.cache = cache;
        this.logger = logger;
        dataSource = services.GetService<NpgsqlDataSource>();
        if (dataSource is not null) cache.Suspend(); // until this instance hears the others
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
        if (dataSource is null) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(dataSource, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                cache.Suspend();
                ChannelLost(logger, ex);
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
            if (e.Channel != Channel || e.Payload == instanceId) return;
            cache.Invalidate();
            ClearedByAnotherInstance(logger);
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }
        // Anything announced while we were not listening is unknown: start from an empty cache.
        cache.Resume();
        Listening(logger);
        await using var ping = new NpgsqlCommand("SELECT 1", connection);
        while (true)
        {
            // Wake up now and then to prove the connection is alive; a dead one throws and we reconnect.
            if (!await connection.WaitAsync(TimeSpan.FromSeconds(15), ct))
            {
                await ping.ExecuteScalarAsync(ct);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not tell other instances that API keys changed; their cached keys lapse within the cache lifetime.")]
    private static partial void NotifyFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the key-change channel; API keys are read from the database until it is back.")]
    private static partial void ChannelLost(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Another instance changed API keys; cleared the cached keys.")]
    private static partial void ClearedByAnotherInstance(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for API key changes from other instances.")]
    private static partial void Listening(ILogger logger);
}
