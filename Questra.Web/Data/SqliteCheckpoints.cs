using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Questra.Web.Data;

/// <summary>
/// On SQLite, copies the write-ahead log into the database file and truncates it to zero bytes every
/// <see cref="DatabaseOptions.SqliteCheckpointSeconds"/>. SQLite's own automatic checkpoints reuse the log but never
/// shrink it, so a log grown by a burst of writes keeps its disk space for good — on a small disk, space freed by an
/// operator fills up again. A checkpoint that cannot run now (a long reader, a locked or full disk) waits for the next.
/// </summary>
public sealed partial class SqliteCheckpoints(string connectionString, IOptions<DatabaseOptions> options, TimeProvider clock, ILogger<SqliteCheckpoints> logger) : BackgroundService
{
    private const int BusyWarnAfter = 10;
    private int busyInARow;

        private readonly OutageNotice outage = new(logger, "Truncating the SQLite write-ahead log");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SqliteCheckpointSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckpointAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task CheckpointAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await using var reader = await command.ExecuteReaderAsync(ct);
            // One row: busy (1 when a reader or writer kept it from finishing), log frames, frames copied.
            if (await reader.ReadAsync(ct) && reader.GetInt32(0) == 1)
            {
                if (++busyInARow == BusyWarnAfter) StillBusy(logger, BusyWarnAfter);
                return;
            }
            busyInARow = 0;
            outage.Succeeded();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outage.Failed(e); // never ends the app: the next tick tries again
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SQLite write-ahead log could not be truncated {Times} times in a row: a long-running reader or writer keeps it from finishing.")]
    private static partial void StillBusy(ILogger logger, int times);
}
