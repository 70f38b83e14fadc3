using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Questra.Web.Data;

/// <summary>Which database holds everything: SQLite for one machine, PostgreSQL for several instances.</summary>
public enum DatabaseProvider
{
    Sqlite,
    PostgreSQL,
}

public static class DataExtensions
{
    /// <summary>
    /// The database named by <c>Database:Provider</c> (<c>Sqlite</c>, the default, or <c>PostgreSQL</c>) at
    /// <c>ConnectionStrings:Questra</c>. A relative SQLite file path is taken from the content root, and its
    /// folder is created.
    /// </summary>
    public static IServiceCollection AddQuestraData(this IServiceCollection services, IConfiguration configuration, IHostEnvironment env)
    {
        var connectionString = configuration.GetConnectionString("Questra")
            ?? throw new InvalidOperationException("Connection string 'ConnectionStrings:Questra' is not configured.");
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section);
        var provider = configuration.Read<DatabaseOptions>(DatabaseOptions.Section).ProviderKind;
        if (provider == DatabaseProvider.PostgreSQL)
        {
            var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
            services.AddSingleton(dataSource);
            services.AddDbContext<QuestraDbContext>(o => o.UseNpgsql(dataSource));
            return services;
        }

        var sqlite = new SqliteConnectionStringBuilder(connectionString);
        if (sqlite.DataSource is { Length: > 0 } file && file != ":memory:" && !Path.IsPathRooted(file) && sqlite.Mode != SqliteOpenMode.Memory)
        {
            sqlite.DataSource = Path.Combine(env.ContentRootPath, file);
        }
        if (Path.GetDirectoryName(sqlite.DataSource) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }
        services.AddDbContext<QuestraDbContext>(o => o.UseSqlite(sqlite.ToString()));
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
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            // WAL lets readers go on while a writer commits; the setting is stored in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        // Authenticator keys that earlier versions stored in clear are encrypted now, before anyone can sign in.
        var migrated = await Features.Mfa.QuestraUserStore.ProtectPlaintextKeysAsync(db,
            scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>());
        if (migrated > 0)
        {
            scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Questra.Web.Data")
                .LogInformation("Encrypted {Count} authenticator key(s) stored in clear by an earlier version.", migrated);
        }
    }
}
