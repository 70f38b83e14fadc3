using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Microsoft.Extensions.Options;

namespace Questra.Web.Data;

/// <summary>Which database holds everything: SQLite for one machine, PostgreSQL for several instances.</summary>
public enum DatabaseProvider
{
    Sqlite,
    PostgreSQL,
}

public static class DataExtensions
{
    /// <summary>Whether a save failed because a row with the same unique key exists (a concurrent insert won).</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 1555 or 2067, // SQLITE_CONSTRAINT_PRIMARYKEY, _UNIQUE
        _ => false,
    };

    /// <summary>
    /// The database named by <c>Database:Provider</c> (<c>Sqlite</c>, the default, or <c>PostgreSQL</c>) at
    /// <c>ConnectionStrings:Questra</c>. A relative SQLite file path is taken from the content root, and its
    /// folder is created.
    /// </summary>
    public static IServiceCollection AddQuestraData(this IServiceCollection services, IConfiguration configuration, IHostEnvironment env)
    {
        var connectionString = configuration.GetConnectionString("Questra")
            ?? throw new InvalidOperationException("Connection string 'ConnectionStrings:Questra' is not configured.");
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DatabaseOutage>();
        services.AddSingleton<ServerSecrets>();
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var provider = configuration.Read<DatabaseOptions>(DatabaseOptions.Section).ProviderKind;
        if (provider == DatabaseProvider.PostgreSQL)
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            // Statements used often are prepared once per pooled connection, unless the connection string says
            // otherwise (e.g. "Max Auto Prepare=0" behind a pooler in transaction mode, which cannot keep them).
            if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            }
            // Fail fast when the server is down or frozen: a request waits a few seconds, not 15 s to connect and
            // 30 s per command, and then answers 503 (DatabaseOutage). Each can be set in the connection string.
            if (!Given(given, "Timeout")) builder.ConnectionStringBuilder.Timeout = ConnectSeconds;
            if (!Given(given, "Command Timeout", "CommandTimeout")) builder.ConnectionStringBuilder.CommandTimeout = CommandSeconds;
            if (!Given(given, "Cancellation Timeout", "CancellationTimeout")) builder.ConnectionStringBuilder.CancellationTimeout = -1; // a timed-out command drops its connection at once: a frozen server never confirms a cancel
            var dataSource = builder.Build();
            services.AddSingleton(dataSource);
            services.AddSingleton(new ChannelDataSource(ChannelDataSource.Build(connectionString)));
            services.AddSingleton(_ => PreparedReads.ForPostgres(dataSource));
            return services.AddPooledContext(o => o.UseNpgsql(dataSource));
        }

        var sqlite = new SqliteConnectionStringBuilder(connectionString);
        // How long a write waits for a lock another connection or process holds before it gives up (SQLite's busy
        // timeout; 30 s by default) — then the request answers 503.
        if (!Given(given, "Default Timeout", "DefaultTimeout", "Command Timeout")) sqlite.DefaultTimeout = CommandSeconds;
        if (sqlite.DataSource is { Length: > 0 } file && file != ":memory:" && !Path.IsPathRooted(file) && sqlite.Mode != SqliteOpenMode.Memory)
        {
            sqlite.DataSource = Path.Combine(env.ContentRootPath, file);
        }
        if (Path.GetDirectoryName(sqlite.DataSource) is { Length: > 0 } folder)
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StartupException(
                    $"the folder for the database file, {folder}, cannot be created ({e.Message.Trim().TrimEnd('.')}). Create it and give the user running Questra write access, or point ConnectionStrings:Questra at a writable place.", e);
            }
        }
        services.AddSingleton(_ => PreparedReads.ForSqlite(sqlite.ToString()));
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<SqliteCheckpoints>(sp, sqlite.ToString()));
        return services.AddPooledContext(o => o.UseSqlite(sqlite.ToString()));
    }

    /// <summary>Seconds to open a connection to PostgreSQL on the request path, unless the connection string says otherwise.</summary>
    public const int ConnectSeconds = 3;

    /// <summary>Seconds a command (or a wait for SQLite's write lock) may take on the request path, unless the connection string says otherwise.</summary>
    public const int CommandSeconds = 5;

    private static bool Given(System.Data.Common.DbConnectionStringBuilder given, params string[] keywords) =>
        keywords.Any(given.ContainsKey);

    /// <summary>
    /// Contexts come from a pool (their options built once, their state reset when given back), one per scope as
    /// before; <see cref="IDbContextFactory{TContext}"/> gives one for work that may not need it, such as the key
    /// check, which reads the database only when a key is not cached.
    /// </summary>
    private static IServiceCollection AddPooledContext(this IServiceCollection services, Action<DbContextOptionsBuilder> configure)
    {
        services.AddPooledDbContextFactory<QuestraDbContext>(o =>
        {
            configure(o);
            // A failed command is logged once, by whoever handles its exception (an outage as one summarised
            // warning, a bug as an error with its stack); EF Core's own error lines would repeat each of them.
            o.ConfigureWarnings(w => w.Log(
                (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError, LogLevel.Debug),
                (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.ConnectionError, LogLevel.Debug),
                (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.TransactionError, LogLevel.Debug),
                (Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.QueryIterationFailed, LogLevel.Debug),
                (Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.SaveChangesFailed, LogLevel.Debug),
                // The schema is kept as SQL scripts, without a model snapshot (Schema/ScriptMigration): nothing to say.
                (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.ModelSnapshotNotFound, LogLevel.Debug)));
        });
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<QuestraDbContext>>().CreateDbContext());
        return services;
    }

    /// <summary>
    /// Applies pending schema migrations (data is kept) and puts SQLite in WAL mode. EF Core takes a database
    /// lock while migrating, so several instances starting at once on PostgreSQL run each migration exactly once.
    /// </summary>
    public static async Task MigrateQuestraDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var provider = db.Database.IsNpgsql() ? DatabaseProvider.PostgreSQL : DatabaseProvider.Sqlite;
        var connectionString = db.Database.GetConnectionString()!;
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Questra.Web.Data");
        var wait = TimeSpan.FromSeconds(app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.StartupWaitSeconds);
        await DatabaseStartup.WaitUntilUsableAsync(provider, connectionString, wait, logger);
        try
        {
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10)); // a migration may rewrite a large table
            await db.Database.MigrateAsync();
            if (provider == DatabaseProvider.Sqlite)
            {
                // WAL lets readers go on while a writer commits; the setting is stored in the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
        }
        catch (Exception e) when (DatabaseStartup.Explain(e, provider, connectionString) is { } explained)
        {
            throw explained;
        }
        // Authenticator keys that earlier versions stored in clear are encrypted now, before anyone can sign in.
        var migrated = await Features.Mfa.QuestraUserStore.ProtectPlaintextKeysAsync(db,
            scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>());
        if (migrated > 0)
        {
            logger.LogInformation("Encrypted {Count} authenticator key(s) stored in clear by an earlier version.", migrated);
        }
    }
}
