using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Questra.Bench;

/// <summary>
/// <c>serve &lt;url&gt; &lt;outdir&gt;</c>: Questra's own Program (its settings from the environment, as the app reads
/// them) on Kestrel at the url, with the benchmark's baseline added (<see cref="BaselineScheme"/>). Runs until
/// SIGTERM or SIGINT, then stops as the app does (hosted services flush).
/// </summary>
internal static class BenchHost
{
    private sealed class Factory(string contentRoot, int port, string orgId, string userId) : WebApplicationFactory<Questra.Web.Data.QuestraDbContext> // any type of the app's assembly: its entry point runs
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseContentRoot(contentRoot);
            builder.UseEnvironment("Production");
            builder.ConfigureServices(services => BaselineScheme.Add(services, orgId, userId));
            UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, port));
        }
    }

    public static async Task<int> RunAsync(string url, string outDir)
    {
        var meta = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(outDir, "meta.json")))!;
        var port = new Uri(url).Port;
        await using var factory = new Factory(Directory.GetCurrentDirectory(), port, meta["org"], meta["user"]);
        var stop = new TaskCompletionSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        factory.StartServer();
        Console.WriteLine($"bench host listening on {url}");
        await stop.Task;
        return 0; // disposing the factory stops the host
    }
}
