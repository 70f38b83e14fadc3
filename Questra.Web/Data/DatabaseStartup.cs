using Microsoft.Data.Sqlite;
using Npgsql;

namespace Questra.Web.Data;

/// <summary>
/// Before migrating, makes sure the database can be used, and says plainly why not: waits (saying so) while another
/// process holds the SQLite file's write lock or PostgreSQL is not up yet, up to <see cref="DatabaseOptions.StartupWaitSeconds"/>;
/// a folder or file that cannot be written, a full disk or a refused login end the start with one sentence naming
/// the file or server and what to do (<see cref="StartupException"/>).
/// </summary>
public static partial class DatabaseStartup
{
    private static readonly TimeSpan SayEvery = TimeSpan.FromSeconds(10);

    public static async Task WaitUntilUsableAsync(DatabaseProvider provider, string connectionString, TimeSpan bound, ILogger logger, CancellationToken ct = default)
    {
        if (provider == DatabaseProvider.PostgreSQL)
        {
            await WaitForPostgresAsync(connectionString, bound, logger, ct);
        }
        else
        {
            await WaitForSqliteAsync(connectionString, bound, logger, ct);
        }
    }

    /// <summary>The sentence for a fault met while migrating, or null when it is not one of the known ones.</summary>
    public static StartupException? Explain(Exception exception, DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
            for (var e = exception; e is not null; e = e.InnerException)
            {
                if (e is SqliteException sqlite && SqliteFault(sqlite, file) is { } message) return new StartupException(message, exception);
                if (e is IOException io && IsDiskFull(io)) return new StartupException(DiskFull(file), exception);
            }
            return null;
        }
        // Only reaching the server and logging in have a known remedy; a failing migration script is a bug, with its stack.
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException npgsql && IsConnectionFault(npgsql)) return new StartupException(PostgresFault(npgsql, connectionString), exception);
        }
        return null;
    }

    private static async Task WaitForSqliteAsync(string connectionString, TimeSpan bound, ILogger logger, CancellationToken ct)
    {
        var given = new SqliteConnectionStringBuilder(connectionString);
        var file = given.DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:" || given.Mode == SqliteOpenMode.Memory) return;
        var probe = new SqliteConnectionStringBuilder(connectionString) { Pooling = false, DefaultTimeout = 1 };
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var lastSaid = TimeSpan.MinValue;
        while (true)
        {
            try
            {
                await using var connection = new SqliteConnection(probe.ToString());
                await connection.OpenAsync(ct);
                await using var command = connection.CreateCommand();
                // Takes the write lock and gives it back: a file another process holds answers SQLITE_BUSY here.
                command.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
                await command.ExecuteNonQueryAsync(ct);
                if (lastSaid != TimeSpan.MinValue) LockReleased(logger, file, (int)waited.Elapsed.TotalSeconds);
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is SqliteBusy or SqliteLocked)
            {
                if (waited.Elapsed >= bound)
                {
                    throw new StartupException(
                        $"the database file {file} is still locked by another process after {(int)bound.TotalSeconds} s. Stop the other program using it (another Questra on the same file, a backup, an sqlite3 shell) and start again, or wait longer with Database:StartupWaitSeconds.", e);
                }
                if (lastSaid == TimeSpan.MinValue || waited.Elapsed - lastSaid >= SayEvery)
                {
                    WaitingForLock(logger, file, (int)(bound - waited.Elapsed).TotalSeconds);
                    lastSaid = waited.Elapsed;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
            catch (SqliteException e) when (SqliteFault(e, file) is { } message)
            {
                throw new StartupException(message, e);
            }
        }
    }

    private static async Task WaitForPostgresAsync(string connectionString, TimeSpan bound, ILogger logger, CancellationToken ct)
    {
        var probe = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        if (!new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.ContainsKey("Timeout")) probe.Timeout = DataExtensions.ConnectSeconds;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var lastSaid = TimeSpan.MinValue;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(probe.ToString());
                await connection.OpenAsync(ct);
                if (lastSaid != TimeSpan.MinValue) ServerUp(logger, Server(probe), (int)waited.Elapsed.TotalSeconds);
                return;
            }
            catch (NpgsqlException e) when (e.IsTransient || e.InnerException is System.Net.Sockets.SocketException or TimeoutException)
            {
                if (waited.Elapsed >= bound)
                {
                    throw new StartupException(PostgresFault(e, connectionString, waited: bound), e);
                }
                if (lastSaid == TimeSpan.MinValue || waited.Elapsed - lastSaid >= SayEvery)
                {
                    WaitingForServer(logger, Server(probe), Reason(e), (int)(bound - waited.Elapsed).TotalSeconds);
                    lastSaid = waited.Elapsed;
                }
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
            catch (NpgsqlException e)
            {
                throw new StartupException(PostgresFault(e, connectionString), e);
            }
        }
    }

    private const int SqliteBusy = 5, SqliteLocked = 6, SqliteReadOnly = 8, SqliteIoError = 10, SqliteCorrupt = 11, SqliteFull = 13, SqliteCantOpen = 14, SqliteNotADatabase = 26;

    private static string? SqliteFault(SqliteException e, string file) => e.SqliteErrorCode switch
    {
        SqliteCantOpen => $"the database file {file} cannot be opened or created ({Reason(e)}). Make sure its folder exists and the user running Questra may write to it, or point ConnectionStrings:Questra at a writable place.",
        SqliteReadOnly => $"the database file {file} is read-only. Give the user running Questra write access to the file and its folder (SQLite writes a -wal and -shm file beside it).",
        SqliteFull => DiskFull(file),
        SqliteIoError => $"reading or writing the database file {file} failed ({Reason(e)}). Check the disk, its free space and the file's permissions.",
        SqliteCorrupt or SqliteNotADatabase => $"{file} is not a usable SQLite database ({Reason(e)}). Restore it from a backup, or point ConnectionStrings:Questra at another file.",
        SqliteBusy or SqliteLocked => $"the database file {file} is locked by another process. Stop the other program using it and start again.",
        _ => null,
    };

    private static string DiskFull(string file) =>
        $"the disk holding the database file {file} is full. Free some space there and start again.";

    private static bool IsDiskFull(IOException e) => e.HResult is 28 or unchecked((int)0x80070070) || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    private static string PostgresFault(NpgsqlException e, string connectionString, TimeSpan? waited = null)
    {
        var after = waited is { } w ? $" after {(int)w.TotalSeconds} s (Database:StartupWaitSeconds)" : "";
        var server = Server(new NpgsqlConnectionStringBuilder(connectionString));
        return e switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
                $"PostgreSQL at {server} refused the login ({Reason(e)}). Check the user name and password in ConnectionStrings:Questra.",
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
                $"PostgreSQL at {server} has no such database ({Reason(e)}). Create it (createdb) or fix Database= in ConnectionStrings:Questra.",
            _ => $"PostgreSQL at {server} cannot be reached{after} ({Reason(e)}). Check that it runs and that ConnectionStrings:Questra names the right host and port.",
        };
    }

    private static bool IsConnectionFault(NpgsqlException e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification or PostgresErrorCodes.InvalidCatalogName }
        || (e is not PostgresException && (e.IsTransient || e.InnerException is System.Net.Sockets.SocketException or TimeoutException));

        private static string Server(NpgsqlConnectionStringBuilder builder) => $"{builder.Host}:{builder.Port}";

    private static string Reason(Exception e) => (e is NpgsqlException { InnerException: { } inner } ? inner : e).Message.Trim().TrimEnd('.');

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database file {File} is locked by another process; waiting for it to be released ({Left} s left).")]
    private static partial void WaitingForLock(ILogger logger, string file, int left);

    [LoggerMessage(Level = LogLevel.Information, Message = "The database file {File} was released after {Seconds} s; starting.")]
    private static partial void LockReleased(ILogger logger, string file, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for PostgreSQL at {Server}: {Reason} ({Left} s left).")]
    private static partial void WaitingForServer(ILogger logger, string server, string reason, int left);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL at {Server} answered after {Seconds} s; starting.")]
    private static partial void ServerUp(ILogger logger, string server, int seconds);
}
