using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Process;

/// <summary>
/// The app (as an OS process) on SQLite when the file cannot take writes: locked by another process (a write
/// waits SQLite's busy timeout, then 503 + Retry-After; reads go on) and a full disk (503, nothing answered 201
/// lost, writes work again once space is freed).
/// </summary>
[Collection(AppProcessCollection.Name)]
public sealed class SqliteFaultTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static HttpClient Client(AppProcess app, string secret, string org)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        client.DefaultRequestHeaders.Add("X-Org-Id", org);
        return client;
    }

    [Fact]
    public async Task DatabaseLockedByAnotherProcess_WritesAnswer503AfterTheBusyTimeout_ReadsGoOn_AndWritesResumeWhenReleased()
    {
        var path = DatabaseFiles.NewPath("locked");
        using var database = new SqliteTestDatabase(path, deleteOnDispose: true);
        var (org, secret) = await AppProcess.SeedAdminKeyAsync(path);
        using var app = await AppProcess.StartAsync(database);
        using var client = Client(app, secret, org);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);

        await using (var holder = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await holder.OpenAsync();
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE"; // the write lock, held as another process's long write would
                await begin.ExecuteNonQueryAsync();
            }
            var timer = Stopwatch.StartNew();
            var create = await client.PostAsJsonAsync("/api/api-keys", new { name = "while locked" });
            var held = timer.Elapsed;
            var read = await client.GetAsync("/api/surveys");
            output.WriteLine($"locked database: create answered {(int)create.StatusCode} after {held.TotalMilliseconds:F0} ms");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, create.StatusCode);
            Assert.NotNull(create.Headers.RetryAfter);
            Assert.Contains("temporarily unavailable", await create.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.True(held < TimeSpan.FromSeconds(8), $"the write was held {held.TotalSeconds:F1} s (busy timeout 5 s)");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        var after = await client.PostAsJsonAsync("/api/api-keys", new { name = "after the lock" });
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.DoesNotContain("   at ", app.OutputText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiskFull_WritesAnswer503_NothingAnswered201IsLost_AndWritesResumeWhenSpaceIsFreed()
    {
        using var disk = SmallDisk.Mount(megabytes: 16);
        var path = Path.Combine(disk.Folder, "questra.db");
        using var database = new SqliteTestDatabase(path, deleteOnDispose: false);
        var (org, secret) = await AppProcess.SeedAdminKeyAsync(path);
        using var app = await AppProcess.StartAsync(database);
        using var client = Client(app, secret, org);

        var filler = Path.Combine(disk.Folder, "filler");
        SmallDisk.Fill(filler);
        var created = new List<string>();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            var answer = await client.PostAsJsonAsync("/api/api-keys", new { name = $"full {i}" });
            statuses.Add(answer.StatusCode);
            if (answer.StatusCode == HttpStatusCode.Created) created.Add((await answer.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!);
        }
        output.WriteLine($"full disk: {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{(int)g.Key}×{g.Count()}"))}");
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable }));
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);

        File.Delete(filler);
        var after = await client.PostAsJsonAsync("/api/api-keys", new { name = "space again" });
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        created.Add((await after.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!);
        // Every key answered 201 is there (read through the app, after a graceful stop and a new start).
        await app.StopAsync();
        using var again = await AppProcess.StartAsync(database);
        using var reader = Client(again, secret, org);
        foreach (var id in created) Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/api-keys/{id}")).StatusCode);
        Assert.DoesNotContain("   at ", app.OutputText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheWriteAheadLog_IsTruncatedByThePeriodicCheckpoint_SoFreedSpaceStaysFree()
    {
        using var disk = SmallDisk.Mount(megabytes: 16);
        var path = Path.Combine(disk.Folder, "questra.db");
        using var database = new SqliteTestDatabase(path, deleteOnDispose: false);
        var (org, secret) = await AppProcess.SeedAdminKeyAsync(path);
        using var app = await AppProcess.StartAsync(database, ("Database:SqliteCheckpointSeconds", "1"));
        using var client = Client(app, secret, org);
        var wal = new FileInfo(path + "-wal");

        long grown = 0;
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/api-keys", new { name = $"wal {i}" })).StatusCode);
            wal.Refresh();
            if (wal.Exists) grown = Math.Max(grown, wal.Length);
        }
        output.WriteLine($"write-ahead log grew to {grown / 1024} KB");
        Assert.True(grown > 64 * 1024, $"the log grew to {grown} bytes only");

        await Eventually.HoldsAsync(() =>
        {
            wal.Refresh();
            return Task.FromResult(wal.Exists && wal.Length == 0);
        }, "the write-ahead log truncated to zero bytes", seconds: 15);
    }
}

/// <summary>A small tmpfs of the test's own (needs root, as in CI), to fill up without touching the machine's disks.</summary>
internal sealed class SmallDisk : IDisposable
{
    public string Folder { get; }

    private SmallDisk(string folder) => Folder = folder;

    public static SmallDisk Mount(int megabytes, bool readOnly = false)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"questra-small-disk-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m{(readOnly ? ",ro" : "")}", "tmpfs", folder);
        return new SmallDisk(folder);
    }

    /// <summary>Writes a file until the disk has no space left.</summary>
    public static void Fill(string file)
    {
        using var stream = File.Create(file);
        var block = new byte[64 * 1024];
        try
        {
            while (true) stream.Write(block);
        }
        catch (IOException)
        {
            // no space left on the device: full
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed (root is needed for a small disk): {errors}");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Run("umount", "-l", Folder);
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // left for the OS to clean
        }
    }
}
