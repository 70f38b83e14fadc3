using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Questra.Web.Tests.Infrastructure;

/// <summary>The real app on a real SQLite file of its own, with a hand-moved clock and captured logs.</summary>
public class QuestraFactory : WebApplicationFactory<Program>
{
    public QuestraFactory() : this(DatabaseFiles.NewPath("test"), deleteOnDispose: true) { }

    /// <summary>An app on a given database file, e.g. to start it again on what an earlier instance left.</summary>
    public static QuestraFactory OnDatabase(string databasePath) => new(databasePath, deleteOnDispose: false);

    private QuestraFactory(string databasePath, bool deleteOnDispose)
    {
        DatabasePath = databasePath;
        this.deleteOnDispose = deleteOnDispose;
    }

    private readonly bool deleteOnDispose;
    public string DatabasePath { get; }

    /// <summary>The Data Protection key ring, beside the database so an app restarted on the same database keeps it.</summary>
    public string KeysPath => DatabasePath + ".keys";
    public string Environment { get; init; } = "Testing";
    public TestClock Clock { get; } = new();
    public CapturedLogs Logs { get; } = new();
    protected virtual int FailedAuthPerMinute => 100_000;

    /// <summary>Request header a test sets to act as another client address.</summary>
    public const string ClientIpHeader = "X-Test-Client-Ip";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        // Outside Development the host does not map the build's static web assets (CSS, Radzen, blazor.web.js) by itself.
        builder.UseStaticWebAssets();
        builder.UseSetting("ConnectionStrings:Questra", $"Data Source={DatabasePath}");
        builder.UseSetting("DataProtection:KeysPath", KeysPath);
        builder.UseSetting("Security:RequireHttps", "false");
        builder.UseSetting("Usage:FlushSeconds", "60");
        // Most suites fail authentication on purpose many times from one address; the throttle has its own tests.
        builder.UseSetting("ApiKeys:FailedAuthPerMinute", FailedAuthPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(Logs);
        });
        builder.ConfigureServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            services.AddSingleton<IStartupFilter, ClientAddressStartupFilter>();
        });
    }

    public TestData Data => new(Services);

    /// <summary>TestServer has no socket, so no client address; give every request the one Kestrel would see from curl.</summary>
    private sealed class ClientAddressStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress =
                    IPAddress.TryParse(context.Request.Headers[ClientIpHeader], out var ip) ? ip : context.Connection.RemoteIpAddress ?? IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        if (deleteOnDispose) DatabaseFiles.Delete(DatabasePath);
    }
}
