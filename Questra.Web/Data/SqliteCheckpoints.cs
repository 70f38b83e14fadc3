using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Questra.Web.Data;

/// <summary>
/// On SQLite, copies the write-ahead log into the database file and truncates it to zero bytes every
/// <see cref="DatabaseOptions.SqliteCheckpointSeconds"/>. SQLite's own automatic checkpoints reuse the log but never
/// shrink it, so a log grown by a burst of writes keeps its disk space for good — on a small disk, space freed by an
/// operator fills up again. A checkpoint that cannot run now (a long reader, a locked or full disk) waits for the next.
/// </summary>
public sealed class SqliteCheckpoints(string connectionString, IOptions<DatabaseOptions> options, TimeProvider clock, ILogger<SqliteCheckpoints> logger) : BackgroundService
{
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
            await command.ExecuteNonQueryAsync(ct);
            outage.Succeeded();
        }
        catch (SqliteException e)
        {
            outage.Failed(e);
        }
    }
}
