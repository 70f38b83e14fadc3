using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Data;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Data;

public class SchemaTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    /// <summary>Tables with their columns (name, type, null, key), and indexes with their columns: what the schema means, not how its SQL was spelled.</summary>
    private static async Task<List<string>> SchemaOf(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        var rows = new List<string>();
        foreach (var table in await Query(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '__EFMigrations%' AND name NOT LIKE 'sqlite_%'"))
        {
            rows.AddRange((await Query(connection, $"SELECT name || ' ' || type || ' notnull=' || \"notnull\" || ' pk=' || pk FROM pragma_table_info('{table}')"))
                .Select(c => $"{table}.{c}"));
            rows.AddRange((await Query(connection, $"SELECT 'fk ' || \"from\" || '->' || \"table\" || '.' || \"to\" || ' ' || on_delete FROM pragma_foreign_key_list('{table}')"))
                .Select(f => $"{table} {f}"));
            foreach (var index in await Query(connection, $"SELECT name || ' unique=' || \"unique\" FROM pragma_index_list('{table}') WHERE origin = 'c'"))
            {
                var columns = await Query(connection, $"SELECT name FROM pragma_index_info('{index.Split(' ')[0]}') ORDER BY seqno");
                rows.Add($"{table} index {index} ({string.Join(",", columns)})");
            }
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static async Task<List<string>> Query(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add(reader.GetString(0));
        return result;
    }

    [Fact]
    public async Task MigratedSchema_MatchesTheCurrentModel()
    {
        // The app migrated its own database on start; build a second one straight from the model and compare.
        var fromModel = Path.Combine(Path.GetTempPath(), $"questra-model-{Guid.NewGuid():N}.db");
        try
        {
            // The model as the app builds it (with its Identity options), turned into SQL and run on an empty file.
            await using (var scope = factory.Services.CreateAsyncScope())
            await using (var connection = new SqliteConnection($"Data Source={fromModel}"))
            {
                var script = scope.ServiceProvider.GetRequiredService<QuestraDbContext>().Database.GenerateCreateScript();
                await connection.OpenAsync();
                var command = connection.CreateCommand();
                command.CommandText = script;
                await command.ExecuteNonQueryAsync();
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
    public async Task SurveyListPages_AreReadInIndexOrder_AndTheRollUpHasNoRowIds()
    {
        _ = factory.Services; // starts the app, which migrates its database
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath}");
        await connection.OpenAsync();
        foreach (var (byOwner, byIds) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + Questra.Web.Features.Surveys.SurveyReads.ListSql(DatabaseProvider.Sqlite, byOwner, byIds).Page;
            var steps = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) steps.Add(reader.GetString(3)); // the "detail" column
            }
            var plan = string.Join("\n", steps);
            Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
            Assert.Contains(byOwner ? "IX_Surveys_OrganizationId_OwnerUserId_CreatedAt_Id" : "IX_Surveys_OrganizationId_CreatedAt_Id", plan, StringComparison.Ordinal);
        }
        var table = await Query(connection, "SELECT sql FROM sqlite_master WHERE name = 'SurveyResponseDays'");
        Assert.EndsWith("WITHOUT ROWID", Assert.Single(table), StringComparison.Ordinal);
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
        history.CommandText = "SELECT count(*) FROM __EFMigrationsHistory";
        var migrations = factory.Data.WithDb(db => Task.FromResult(db.Database.GetMigrations().Count()));
        Assert.Equal((long)await migrations, (long?)await history.ExecuteScalarAsync());
        Assert.True(await migrations >= 4);
    }
}

public class PostgresSchemaTests(PostgresFactory factory) : IClassFixture<PostgresFactory>
{
    /// <summary>Columns (type, length, null), constraints and indexes of the public schema, as comparable text.</summary>
    private static async Task<List<string>> SchemaOf(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        const string sql = """
            SELECT table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '')
                   || ' null=' || is_nullable || ' identity=' || is_identity
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '__EFMigrations%'
            UNION ALL
            SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
            FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '%EFMigrations%'
            UNION ALL
            SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '__EFMigrations%'
            """;
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    [Fact]
    public async Task MigratedSchema_MatchesTheCurrentModel()
    {
        using var fromModel = PostgresTestDatabase.Create();
        await using (var scope = factory.Services.CreateAsyncScope())
        await using (var connection = new Npgsql.NpgsqlConnection(fromModel.ConnectionString))
        {
            var script = scope.ServiceProvider.GetRequiredService<QuestraDbContext>().Database.GenerateCreateScript();
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(script, connection);
            await command.ExecuteNonQueryAsync();
        }

        var migrated = await SchemaOf(factory.Database.ConnectionString);
        var model = await SchemaOf(fromModel.ConnectionString);

        Assert.Contains(migrated, row => row.StartsWith("ApiKeys.SecretHash bytea", StringComparison.Ordinal));
        Assert.Equal(model, migrated);
    }

    [Fact]
    public async Task EveryMigrationIsRecorded()
    {
        var (applied, known) = await factory.Data.WithDb(async db =>
            ((await db.Database.GetAppliedMigrationsAsync()).ToList(), db.Database.GetMigrations().ToList()));

        Assert.Equal(known, applied);
        Assert.True(await factory.Data.WithDb(db => Task.FromResult(db.Database.IsNpgsql())));
    }
}
