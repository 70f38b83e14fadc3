using System.Diagnostics;
using System.Net;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Process;

/// <summary>
/// The built app as its own OS process on a loopback port, on a given database — so a test can kill it the hard
/// way (SIGKILL) and start it again.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private readonly System.Diagnostics.Process process;
    public string BaseUrl { get; }

    /// <summary>The app's process id (the <c>dotnet</c> host runs the app in its own process).</summary>
    public int Id => process.Id;
    private System.Collections.Concurrent.ConcurrentQueue<string> Output { get; init; } = new();

    private AppProcess(System.Diagnostics.Process process, string baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
    }

    /// <summary>The web project's build output, next to this test project's.</summary>
    private static string AppDirectory =>
        AppContext.BaseDirectory.Replace($"{Path.DirectorySeparatorChar}Questra.Web.Tests{Path.DirectorySeparatorChar}",
            $"{Path.DirectorySeparatorChar}Questra.Web{Path.DirectorySeparatorChar}");

    public static Task<AppProcess> StartAsync(string databasePath) =>
        StartAsync(new SqliteTestDatabase(databasePath, deleteOnDispose: false));

    /// <summary>Starts the app on a database; <paramref name="settings"/> are extra configuration (key, value).</summary>
    public static Task<AppProcess> StartAsync(TestDatabase database, params (string Key, string Value)[] settings) =>
        StartOnPortAsync(database, LoopbackPorts.Free(), settings);

    /// <summary>Starts the app on a database, handing every line it prints to <paramref name="onLine"/> as it comes (to act on a line while it starts).</summary>
    public static Task<AppProcess> StartWatchingAsync(TestDatabase database, Action<string> onLine, params (string Key, string Value)[] settings)
    {
        var port = LoopbackPorts.Free();
        return LaunchAsync(StartInfo(database, ["Questra.Web.dll", "--urls", $"http://127.0.0.1:{port}"], settings), $"http://127.0.0.1:{port}", onLine);
    }

    /// <summary>Starts the app on a given port (to start it again where a browser expects it).</summary>
    public static Task<AppProcess> StartOnPortAsync(TestDatabase database, int port, params (string Key, string Value)[] settings) =>
        LaunchAsync(StartInfo(database, ["Questra.Web.dll", "--urls", $"http://127.0.0.1:{port}"], settings), $"http://127.0.0.1:{port}");

    /// <summary>
    /// Starts the published app (<see cref="PublishedFolderAsync"/>) as an operator would run it, listening on
    /// <paramref name="url"/> (http or https): only the settings given (environment, paths, mail server, public
    /// address, certificate), none of the test suite's defaults.
    /// </summary>
    public static async Task<AppProcess> StartPublishedAsync(string url, params (string Key, string Value)[] settings) =>
        await LaunchAsync(PublishedStartInfo(await PublishedFolderAsync(), ["Questra.Web.dll", "--urls", url], settings), url);

    /// <summary>Runs an operator's command (<c>dotnet Questra.Web.dll admin …</c>) from the published app with the same settings.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunPublishedAsync((string Key, string Value)[] settings, params string[] arguments) =>
        await RunToEndAsync(PublishedStartInfo(await PublishedFolderAsync(), ["Questra.Web.dll", .. arguments], settings));

    private static ProcessStartInfo PublishedStartInfo(string folder, string[] arguments, (string Key, string Value)[] settings)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        return start;
    }

    private static readonly SemaphoreSlim Publishing = new(1, 1);
    private static string? publishedFolder;

    /// <summary>How the app is published: here (from the tests' build) and in the Dockerfile (which builds too).</summary>
    public static string[] PublishArguments(string project, string configuration, string output, bool noBuild) =>
        ["publish", project, .. noBuild ? new[] { "--no-build" } : [], "-c", configuration, "-o", output, "--nologo"];

    /// <summary>
    /// <c>dotnet publish</c> of the web project, once per test run, from the build the tests run against (no second
    /// build): the layout an operator deploys, static web assets included.
    /// </summary>
    public static async Task<string> PublishedFolderAsync()
    {
        await Publishing.WaitAsync();
        try
        {
            if (publishedFolder is not null) return publishedFolder;
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<configuration>/net10.0
            var project = Path.Combine(AppDirectory, "..", "..", "..", "Questra.Web.csproj");
            var folder = Path.Combine(Path.GetTempPath(), $"questra-published-{Guid.NewGuid():N}");
            var start = new ProcessStartInfo("dotnet", PublishArguments(project, configuration, folder, noBuild: true))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var publish = System.Diagnostics.Process.Start(start)!;
            var output = publish.StandardOutput.ReadToEndAsync();
            var errors = publish.StandardError.ReadToEndAsync();
            await publish.WaitForExitAsync();
            if (publish.ExitCode != 0) throw new InvalidOperationException($"dotnet publish failed:\n{await output}\n{await errors}");
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                    // a file still held: the temp folder is cleaned by the OS
                }
            };
            return publishedFolder = folder;
        }
        finally
        {
            Publishing.Release();
        }
    }

    private static async Task<AppProcess> LaunchAsync(ProcessStartInfo start, string baseUrl, Action<string>? onLine = null)
    {
        var process = System.Diagnostics.Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Printed(string? line)
        {
            if (line is null) return;
            output.Enqueue(line);
            onLine?.Invoke(line);
        }
        process.OutputDataReceived += (_, e) => Printed(e.Data);
        process.ErrorDataReceived += (_, e) => Printed(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new AppProcess(process, baseUrl) { Output = output };
        await app.WaitHealthyAsync();
        return app;
    }

    // Polls /healthz until the app answers; gives up after 60 s (a cold start on a busy 2-core machine takes a few).
    private async Task WaitHealthyAsync()
    {
        using var client = new HttpClient(LoopbackHandler()) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The app exited with code {process.ExitCode} while starting:\n{string.Join('\n', Output.TakeLast(30))}");
            try
            {
                if ((await client.GetAsync($"{BaseUrl}/healthz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // not answering yet
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The app did not become healthy within 60 s.");
    }

    /// <summary>A handler that trusts the test's own self-signed certificate, and only on this machine's loopback.</summary>
    public static HttpClientHandler LoopbackHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (request, _, _, errors) =>
            errors == System.Net.Security.SslPolicyErrors.None || request.RequestUri is { IsLoopback: true },
    };

    /// <summary>Runs <c>dotnet Questra.Web.dll &lt;arguments&gt;</c> on a database to its end (an operator's command).</summary>
    public static Task<(int ExitCode, string Output, string Errors)> RunToEndAsync(TestDatabase database, params string[] arguments) =>
        RunToEndAsync(database, [], arguments);

    /// <summary>
    /// Runs the app with extra settings to its end: an operator's command, or a start that must fail (then the
    /// exit code and what it printed are the answer; one that starts instead is killed after 60 s and the test fails).
    /// </summary>
    public static Task<(int ExitCode, string Output, string Errors)> RunToEndAsync(
        TestDatabase database, (string Key, string Value)[] settings, params string[] arguments) =>
        RunToEndAsync(StartInfo(database, ["Questra.Web.dll", .. arguments], settings));

    private static async Task<(int ExitCode, string Output, string Errors)> RunToEndAsync(ProcessStartInfo start)
    {
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The app did not end within 60 s:\n{await output}");
        }
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>Starts the app as a server with <paramref name="settings"/> and expects it to refuse: its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Printed)> FailedStartAsync(params (string Key, string Value)[] settings)
    {
        using var database = new SqliteTestDatabase(DatabaseFiles.NewPath("refused"), deleteOnDispose: true);
        var (code, output, errors) = await RunToEndAsync(database, settings, "--urls", $"http://127.0.0.1:{LoopbackPorts.Free()}");
        return (code, output + "\n" + errors);
    }

    private static ProcessStartInfo StartInfo(TestDatabase database, string[] arguments, (string Key, string Value)[] settings)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = AppDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Database__Provider"] = database.Provider.ToString();
        start.Environment["ConnectionStrings__Questra"] = database.ConnectionString;
        start.Environment["Security__RequireHttps"] = "false";
        start.Environment["ApiKeys__RequestsPerMinutePerKey"] = "1000000";
        start.Environment["ApiKeys__FailedAuthPerMinute"] = "100000";
        start.Environment["Email__Enabled"] = "false";
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        return start;
    }

    /// <summary>
    /// An organization with its owner and a Full Access key named "admin" in the SQLite file at
    /// <paramref name="databasePath"/>, written before the app starts on it (the file's pools cleared afterwards).
    /// </summary>
    public static async Task<(string Org, string Secret)> SeedAdminKeyAsync(string databasePath)
    {
        string org, secret;
        using (var seed = QuestraFactory.OnDatabase(databasePath))
        {
            (org, var owner) = await seed.Data.OrgWithOwnerAsync();
            (_, secret) = await seed.Data.KeyAsync(org, owner, name: "admin");
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return (org, secret);
    }

    /// <summary>Everything the app printed so far.</summary>
    public string OutputText => string.Join('\n', Output);

    /// <summary>Waits until the app has printed a line containing <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            if (process.HasExited) throw new InvalidOperationException($"The app exited before printing '{text}':\n{OutputText}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The app did not print '{text}' within {timeout.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }

    /// <summary>Sends a POSIX signal (STOP, CONT, TERM, KILL…) to a process, as an operator's <c>kill</c> would.</summary>
    public static async Task SignalAsync(int processId, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {processId} failed with {kill.ExitCode}");
    }

    /// <summary>SIGTERM, as a service manager stops it: the app shuts down gracefully (final usage flush included).</summary>
    public async Task StopAsync()
    {
        if (process.HasExited) return;
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing — what a power cut or the OOM killer does.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }


    public void Dispose()
    {
        Kill();
        process.Dispose();
    }
}

/// <summary>
/// Tests that run the built app as OS processes run alone: on a 2-core machine their timing bounds (a revoke
/// honoured by another instance within a second) must not compete with every other suite for the CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppProcessCollection
{
    public const string Name = "App processes";
}
