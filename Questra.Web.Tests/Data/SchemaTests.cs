using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Data;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Data;

public class SchemaTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    private static async Task<List<string>> SchemaOf(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT type || ' ' || name || ': ' || ifnull(sql, '') FROM sqlite_master WHERE name NOT LIKE '__EFMigrations%' AND name NOT LIKE 'sqlite_%' ORDER BY type, name";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    [Fact]
    public async Task MigratedSchema_MatchesTheCurrentModel()
    {
        // The app migrated its own database on start; build a second one straight from the model and compare.
        var fromModel = Path.Combine(Path.GetTempPath(), $"questra-model-{Guid.NewGuid():N}.db");
        try
        {
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                var options = new DbContextOptionsBuilder<QuestraDbContext>()
                    .UseSqlite($"Data Source={fromModel}")
                    .UseApplicationServiceProvider(scope.ServiceProvider)
                    .Options;
                await using var db = new QuestraDbContext(options);
                await db.Database.EnsureCreatedAsync();
            }

            var migrated = await SchemaOf($"Data Source={factory.DatabasePath}");
            var model = await SchemaOf($"Data Source={fromModel}");

            Assert.NotEmpty(migrated);
            Assert.Equal(model, migrated);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(fromModel);
        }
    }

    [Fact]
    public async Task Database_IsInWalMode_AndMigrationIsRecorded()
    {
        _ = factory.Services; // starts the app, which migrates its database
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath}");
        await connection.OpenAsync();
        var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        var history = connection.CreateCommand();
        history.CommandText = "SELECT MigrationId FROM __EFMigrationsHistory";

        Assert.Equal("wal", (string?)await mode.ExecuteScalarAsync());
        Assert.Equal("20261122000000_Init", (string?)await history.ExecuteScalarAsync());
    }
}
