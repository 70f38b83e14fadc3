using Microsoft.Data.Sqlite;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Process;

/// <summary>
/// A fault at start ends the process with exit code 1 and one line naming the file or server and what to do — not
/// an unhandled exception with a stack (exit 134). A lock another process holds is waited for, saying so, up to
/// Database:StartupWaitSeconds.
/// </summary>
[Collection(AppProcessCollection.Name)]
public sealed class StartupFaultTests
{
    private static async Task<(int Code, string Output, string Errors)> StartOnAsync(string connectionString, params (string Key, string Value)[] settings)
    {
        using var database = new SqliteTestDatabase(DatabaseFiles.NewPath("unused"), deleteOnDispose: true);
        return await AppProcess.RunToEndAsync(database, [("ConnectionStrings:Questra", connectionString), .. settings],
            "--urls", $"http://127.0.0.1:{LoopbackPorts.Free()}");
    }

    private static void AssertOneLine(int code, string errors, params string[] expected)
    {
        Assert.Equal(1, code);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("Questra cannot start: ", line);
        foreach (var text in expected) Assert.Contains(text, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnwritableDataFolder_EndsTheStartWithOneLineNamingIt()
    {
        using var disk = SmallDisk.Mount(megabytes: 1, readOnly: true);

        var (code, output, errors) = await StartOnAsync($"Data Source={disk.Folder}/data/questra.db");
        AssertOneLine(code, errors, $"{disk.Folder}/data", "write access");
        Assert.DoesNotContain("   at ", output + errors, StringComparison.Ordinal);

        (code, output, errors) = await StartOnAsync($"Data Source={disk.Folder}/questra.db");
        AssertOneLine(code, errors, $"{disk.Folder}/questra.db", "may write to it");
        Assert.DoesNotContain("   at ", output + errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFullDisk_EndsTheStartWithOneLineSayingSo()
    {
        using var disk = SmallDisk.Mount(megabytes: 1);
        SmallDisk.Fill(Path.Combine(disk.Folder, "filler"));

        var (code, output, errors) = await StartOnAsync($"Data Source={disk.Folder}/questra.db");

        AssertOneLine(code, errors, $"{disk.Folder}/questra.db", "is full", "Free some space");
        Assert.DoesNotContain("   at ", output + errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADatabaseLockedByAnotherProcess_IsWaitedFor_ThenTheStartEndsWithOneLine()
    {
        var path = DatabaseFiles.NewPath("locked-at-start");
        using var database = new SqliteTestDatabase(path, deleteOnDispose: true);
        await using var holder = await HoldWriteLockAsync(path);

        var timer = System.Diagnostics.Stopwatch.StartNew();
        var (code, output, errors) = await StartOnAsync($"Data Source={path}", ("Database:StartupWaitSeconds", "2"));

        AssertOneLine(code, errors, path, "still locked by another process after 2 s");
        Assert.Contains("is locked by another process; waiting", output, StringComparison.Ordinal);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(30), $"the start took {timer.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task ADatabaseLockReleasedWithinTheWait_StartsNormally()
    {
        var path = DatabaseFiles.NewPath("released-at-start");
        using var database = new SqliteTestDatabase(path, deleteOnDispose: true);
        var holder = await HoldWriteLockAsync(path);
        var released = 0;
        // The lock goes once the app has said it waits for it (however long its start took to get there).
        using var app = await AppProcess.StartWatchingAsync(database, line =>
        {
            if (line.Contains("is locked by another process; waiting", StringComparison.Ordinal) && Interlocked.Exchange(ref released, 1) == 0)
            {
                holder.Dispose();
            }
        }, ("Database:StartupWaitSeconds", "60"));

        Assert.Contains("is locked by another process; waiting", app.OutputText, StringComparison.Ordinal);
        Assert.Contains("was released after", app.OutputText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachablePostgreSQL_IsWaitedFor_ThenTheStartEndsWithOneLine()
    {
        var port = LoopbackPorts.Free(); // nothing listens there
        var (code, output, errors) = await StartOnAsync($"Host=127.0.0.1;Port={port};Username=questra;Password=x;Database=questra",
            ("Database:Provider", "PostgreSQL"), ("Database:StartupWaitSeconds", "2"));

        AssertOneLine(code, errors, $"PostgreSQL at 127.0.0.1:{port} cannot be reached after 2 s");
        Assert.Contains($"Waiting for PostgreSQL at 127.0.0.1:{port}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", output + errors, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Another process's connection holding the file's write lock (an open write transaction).</summary>
    private static async Task<SqliteConnection> HoldWriteLockAsync(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "CREATE TABLE IF NOT EXISTS held (x); BEGIN EXCLUSIVE; INSERT INTO held VALUES (1);";
        await begin.ExecuteNonQueryAsync();
        return connection;
    }
}
