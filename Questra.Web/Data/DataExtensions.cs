using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Questra.Web.Data;

public static class DataExtensions
{
    /// <summary>
    /// The database: SQLite by default (<c>ConnectionStrings:Questra</c>; a relative file path is taken from the
    /// content root, and its folder is created).
    /// </summary>
    public static IServiceCollection AddQuestraData(this IServiceCollection services, IConfiguration configuration, IHostEnvironment env)
    {
        var connectionString = configuration.GetConnectionString("Questra")
            ?? throw new InvalidOperationException("Connection string 'ConnectionStrings:Questra' is not configured.");
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

    /// <summary>Applies pending schema migrations (data is kept) and puts SQLite in WAL mode.</summary>
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
    }
}
