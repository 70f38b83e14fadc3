using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using Questra.Web.Data;

namespace Questra.Web.Tests.Infrastructure;

/// <summary>A database of a test's own: a SQLite file, or a fresh database on the test PostgreSQL server.</summary>
public abstract class TestDatabase : IDisposable
{
    public abstract DatabaseProvider Provider { get; }
    public abstract string ConnectionString { get; }

    /// <summary>The SQLite file; only SQLite databases have one.</summary>
    public virtual string FilePath => throw new InvalidOperationException($"A {Provider} database has no file.");

    /// <summary>Everything stored, as text, to search for what must never be there (a secret in clear).</summary>
    public abstract Task<string> ReadAllStoredTextAsync();

    public abstract void Dispose();
}

public sealed class SqliteTestDatabase(string path, bool deleteOnDispose) : TestDatabase
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    public override string ConnectionString => $"Data Source={path}";
    public override string FilePath => path;

    public override Task<string> ReadAllStoredTextAsync() => Task.FromResult(DatabaseFiles.ReadAll(path));

    public override void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (deleteOnDispose) DatabaseFiles.Delete(path);
    }
}

/// <summary>A database created empty on the test server, dropped (with whatever still holds it open) on dispose.</summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    private readonly string name;

    private PostgresTestDatabase(string name, string connectionString)
    {
        this.name = name;
        ConnectionString = connectionString;
    }

    public override DatabaseProvider Provider => DatabaseProvider.PostgreSQL;
    public override string ConnectionString { get; }

    public static PostgresTestDatabase Create()
    {
        var name = $"questra_test_{Guid.NewGuid():N}";
        Admin($"CREATE DATABASE {name}");
        var builder = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Database = name };
        return new PostgresTestDatabase(name, builder.ConnectionString);
    }

    /// <summary>A full <c>pg_dump</c> of the database: every table's rows, as the server stores them.</summary>
    public override async Task<string> ReadAllStoredTextAsync()
    {
        var c = new NpgsqlConnectionStringBuilder(ConnectionString);
        var (exitCode, dump, errors) = await ExternalCommand.RunAsync(PostgresServer.Tool("pg_dump"),
            ["--host", c.Host!, "--port", c.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--username", c.Username!, "--dbname", name],
            c.Password is { } password ? new() { ["PGPASSWORD"] = password } : null);
        Assert.True(exitCode == 0, $"pg_dump failed: {errors}");
        return dump;
    }

    public override void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Admin($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    private static void Admin(string sql)
    {
        using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}

/// <summary>
/// The PostgreSQL server the tests use: <c>QUESTRA_TEST_POSTGRES</c> (a connection string to a role that may
/// create databases) when set, else one started on loopback by the repository's <c>.ci/postgres</c> script.
/// These tests never skip: without a server they fail, saying why.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<string> Resolved = new(Resolve);

    public static string ConnectionString => Resolved.Value;

    private static string Resolve()
    {
        if (Environment.GetEnvironmentVariable("QUESTRA_TEST_POSTGRES") is { Length: > 0 } configured) return configured;

        var script = Path.Combine(RepositoryRoot(), ".ci", "postgres");
        var (exitCode, stdout, stderr) = ExternalCommand.RunAsync("bash", [script]).GetAwaiter().GetResult();
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL tests need a server: set QUESTRA_TEST_POSTGRES, or let {script} start one. It failed:\n{stderr}");
        }
        return stdout.Trim();
    }

    /// <summary>A PostgreSQL client program (pg_dump, psql): the newest installed version's, else the one on PATH.</summary>
    public static string Tool(string name) =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", name)).Where(File.Exists)
                .OrderByDescending(p => p, StringComparer.Ordinal).FirstOrDefault() ?? name
            : name;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Questra.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("Could not find the repository root (Questra.slnx) above " + AppContext.BaseDirectory);
    }
}

/// <summary>Runs a program to its end and hands back its exit code and everything it printed.</summary>
internal static class ExternalCommand
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string fileName, IEnumerable<string> arguments, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? []) start.Environment[key] = value;
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // No captured context: Resolve() waits on this synchronously (it runs once, inside a Lazy).
        await process.WaitForExitAsync().ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
