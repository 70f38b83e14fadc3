using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Questra.Web.Data;

/// <summary>
/// Connections for the few hand-written hot reads (see <c>Features/Surveys/SurveyReads.cs</c>) whose statements stay
/// prepared between requests. EF Core makes a new command per query and Microsoft.Data.Sqlite parses a new
/// command's SQL again every time, which is most of what an API read costs; so on SQLite a few connections stay
/// open, each keeping its commands prepared. Nothing is cached but the parsed statements: every statement runs in
/// its own read transaction and sees every write committed before it started. On PostgreSQL Npgsql prepares
/// statements used often on each pooled connection by itself (<c>Max Auto Prepare</c>, set where the data source is
/// built), so a read opens a pooled connection and sends plain commands.
/// </summary>
public abstract class PreparedReads : IDisposable
{
    public abstract DatabaseProvider Provider { get; }

    /// <summary>A connection to run a few commands on; dispose it to give it back.</summary>
    public abstract ValueTask<PreparedSession> OpenAsync(CancellationToken ct);

    /// <summary>An instant as this provider stores it (SQLite: UTC ticks; PostgreSQL: timestamptz).</summary>
    public abstract DateTimeOffset ReadInstant(DbDataReader reader, int ordinal);

    /// <summary>A calendar day as this provider stores it (SQLite: <c>yyyy-MM-dd</c> text; PostgreSQL: date).</summary>
    public abstract DateOnly ReadDate(DbDataReader reader, int ordinal);

    /// <summary>An instant as a parameter value the way this provider stores it (the inverse of <see cref="ReadInstant"/>).</summary>
    public abstract object Instant(DateTimeOffset at);

    /// <summary>A calendar day as a parameter value the way this provider stores it (the inverse of <see cref="ReadDate"/>).</summary>
    public abstract object Date(DateOnly day);

    public virtual void Dispose() => GC.SuppressFinalize(this);

    internal static PreparedReads ForSqlite(string connectionString) => new SqlitePreparedReads(connectionString);

    internal static PreparedReads ForPostgres(NpgsqlDataSource dataSource) => new PostgresPreparedReads(dataSource);
}

/// <summary>One rented connection. <see cref="Command"/> gives the command for a statement, parameters <c>$1…$n</c> in order.</summary>
public abstract class PreparedSession : IAsyncDisposable
{
    /// <summary>The command for <paramref name="sql"/> with <paramref name="parameters"/> parameters, their values set.</summary>
    public abstract DbCommand Command(string sql, params ReadOnlySpan<object> parameters);

    /// <summary>
    /// Starts a transaction that the session's commands run in until it is committed or disposed: the one writer
    /// that comes through here (<c>ResponseWriter</c>, responses in batches) commits many inserts at once.
    /// </summary>
    public abstract DbTransaction BeginTransaction();

    public abstract ValueTask DisposeAsync();
}

internal sealed class SqlitePreparedReads(string connectionString) : PreparedReads
{
    // Idle connections kept; more are opened under load and closed when given back beyond this.
    private static readonly int MaxIdle = Math.Max(4, Environment.ProcessorCount * 2);
    private readonly ConcurrentBag<Session> idle = [];
    private volatile bool disposed;

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override ValueTask<PreparedSession> OpenAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!idle.TryTake(out var session))
        {
            var connection = new SqliteConnection(connectionString);
            connection.Open();
            session = new Session(this, connection);
        }
        return ValueTask.FromResult<PreparedSession>(session);
    }

    public override DateTimeOffset ReadInstant(DbDataReader reader, int ordinal) => new(reader.GetInt64(ordinal), TimeSpan.Zero);

    public override DateOnly ReadDate(DbDataReader reader, int ordinal) =>
        DateOnly.ParseExact(reader.GetString(ordinal), "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public override object Instant(DateTimeOffset at) => at.UtcTicks;

    public override object Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private void GiveBack(Session session)
    {
        if (disposed || idle.Count >= MaxIdle)
        {
            session.Close();
            return;
        }
        idle.Add(session);
    }

    public override void Dispose()
    {
        disposed = true;
        while (idle.TryTake(out var session)) session.Close();
        base.Dispose();
    }

    private sealed class Session(SqlitePreparedReads owner, SqliteConnection connection) : PreparedSession
    {
        // Commands stay prepared for as long as their connection is open and their text unchanged.
        private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);
        private SqliteTransaction? transaction;

        public override DbCommand Command(string sql, params ReadOnlySpan<object> parameters)
        {
            if (!commands.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                for (var i = 0; i < parameters.Length; i++) command.Parameters.Add(new SqliteParameter("$" + (i + 1).ToString(CultureInfo.InvariantCulture), null));
                command.Prepare();
                commands.Add(sql, command);
            }
            for (var i = 0; i < parameters.Length; i++) command.Parameters[i].Value = parameters[i];
            // A finished transaction has no connection any more: the command then runs on its own.
            command.Transaction = transaction?.Connection is null ? null : transaction;
            return command;
        }

        public override DbTransaction BeginTransaction() => transaction = connection.BeginTransaction();

        public override ValueTask DisposeAsync()
        {
            owner.GiveBack(this);
            return ValueTask.CompletedTask;
        }

        public void Close()
        {
            foreach (var command in commands.Values) command.Dispose();
            connection.Dispose();
        }
    }
}

internal sealed class PostgresPreparedReads(NpgsqlDataSource dataSource) : PreparedReads
{
    public override DatabaseProvider Provider => DatabaseProvider.PostgreSQL;

    public override async ValueTask<PreparedSession> OpenAsync(CancellationToken ct) =>
        new Session(await dataSource.OpenConnectionAsync(ct));

    public override DateTimeOffset ReadInstant(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override DateOnly ReadDate(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateOnly>(ordinal);

    public override object Instant(DateTimeOffset at) => at.ToUniversalTime();

    public override object Date(DateOnly day) => day;

    private sealed class Session(NpgsqlConnection connection) : PreparedSession
    {
        public override DbCommand Command(string sql, params ReadOnlySpan<object> parameters)
        {
            var command = new NpgsqlCommand(sql, connection);
            foreach (var value in parameters) command.Parameters.Add(new NpgsqlParameter { Value = value });
            return command;
        }

        public override DbTransaction BeginTransaction() => connection.BeginTransaction();

        public override ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
