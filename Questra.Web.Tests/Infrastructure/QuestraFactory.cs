using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Questra.Web.Tests.Infrastructure;

/// <summary>
/// The real app on a real database of its own (a SQLite file unless a subclass brings another), with a
/// hand-moved clock and captured logs.
/// </summary>
public class QuestraFactory : WebApplicationFactory<Program>
{
    public QuestraFactory() : this(new SqliteTestDatabase(DatabaseFiles.NewPath("test"), deleteOnDispose: true)) { }

    /// <summary>An app on a given database file, e.g. to start it again on what an earlier instance left.</summary>
    public static QuestraFactory OnDatabase(string databasePath) => new(new SqliteTestDatabase(databasePath, deleteOnDispose: false));

    /// <summary>An app on a given database, which the caller keeps (and disposes).</summary>
    public static QuestraFactory OnDatabase(TestDatabase database) => new(database, ownsDatabase: false);

    protected QuestraFactory(TestDatabase database, bool ownsDatabase = true)
    {
        Database = database;
        this.ownsDatabase = ownsDatabase;
    }

    private readonly bool ownsDatabase;
    public TestDatabase Database { get; }

    /// <summary>The SQLite file (SQLite only).</summary>
    public string DatabasePath => Database.FilePath;

    public string Environment { get; init; } = "Testing";

    /// <summary>Settings applied after the suite's defaults (key, value).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
    public TestClock Clock { get; } = new();
    public CapturedLogs Logs { get; } = new();
    protected virtual int FailedAuthPerMinute => 100_000;

    /// <summary>Request header a test sets to act as another client address.</summary>
    public const string ClientIpHeader = "X-Test-Client-Ip";

    /// <summary>Request header a test sets to act as a connection to another of the server's ports (TestServer has none).</summary>
    public const string LocalPortHeader = "X-Test-Local-Port";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        // Outside Development the host does not map the build's static web assets (CSS, MudBlazor, blazor.web.js) by itself.
        builder.UseStaticWebAssets();
        builder.UseSetting("Database:Provider", Database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Questra", Database.ConnectionString);
        builder.UseSetting("Security:RequireHttps", "false");
        builder.UseSetting("Usage:FlushSeconds", "60");
        // No mail server in most suites: mail is off (the email suites point it at a real SMTP server of their own).
        builder.UseSetting("Email:Enabled", "false");
        // Most suites fail authentication on purpose many times from one address; the throttle has its own tests.
        builder.UseSetting("ApiKeys:FailedAuthPerMinute", FailedAuthPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The load tests send more than a minute's allowance of one key while a change lands; the limit has its own tests.
        builder.UseSetting("ApiKeys:RequestsPerMinutePerKey", "1000000");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
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

    /// <summary>
    /// The authenticator code for the next time step: each code works once, so the app's clock steps past the
    /// last one used first.
    /// </summary>
    public string NextAuthenticatorCode(byte[] key)
    {
        Clock.Advance(TimeSpan.FromSeconds(Questra.Web.Features.Mfa.AuthenticatorCodes.StepSeconds));
        return Questra.Web.Features.Mfa.AuthenticatorCodes.Compute(key, Clock.GetUtcNow());
    }

    /// <summary>TestServer has no socket, so no client address; give every request the one Kestrel would see from curl.</summary>
    private sealed class ClientAddressStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress =
                    IPAddress.TryParse(context.Request.Headers[ClientIpHeader], out var ip) ? ip : context.Connection.RemoteIpAddress ?? IPAddress.Loopback;
                if (int.TryParse(context.Request.Headers[LocalPortHeader], out var port)) context.Connection.LocalPort = port;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (ownsDatabase) Database.Dispose();
        else SqliteConnection.ClearAllPools();
    }
}

/// <summary>The same app on a fresh PostgreSQL database of its own.</summary>
public class PostgresFactory() : QuestraFactory(PostgresTestDatabase.Create());
