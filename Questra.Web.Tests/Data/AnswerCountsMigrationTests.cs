using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Questra.Web.Data.Schema;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Data;

/// <summary>
/// Migration 0018 counts the answers already stored, on both databases: a database at 0017 with responses (one of
/// them unreadable, one naming no question) gains the same counts the app writes with each new response; 0019 sums
/// them into each survey's totals.
/// </summary>
public sealed class AnswerCountsMigrationTests
{
    private static IEnumerable<string> ScriptsBefore(string number) =>
        typeof(SchemaScripts).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Questra.Web.Data.Schema.", StringComparison.Ordinal) && n.EndsWith(".sqlite.sql", StringComparison.Ordinal))
            .Select(n => n["Questra.Web.Data.Schema.".Length..^".sqlite.sql".Length])
            .Where(n => string.CompareOrdinal(n, number) < 0).Order(StringComparer.Ordinal);

    private static string Data(string at, string day, string completed) => $$"""
        INSERT INTO "Organizations" ("Id", "Name", "Plan", "ApiKeyCreation", "CreatedAt") VALUES ('org_m', 'M', 'Pro', 'OwnersAndAdmins', {{at}});
        INSERT INTO "Surveys" ("Id", "OrganizationId", "OwnerUserId", "Title", "Status", "CreatedAt", "PublicId", "UpdatedAt") VALUES ('sv_m', 'org_m', 'u', 'T', 'Active', {{at}}, 'p', {{at}});
        INSERT INTO "SurveyQuestions" ("Id", "SurveyId", "Position", "Text", "Kind", "Options") VALUES (11, 'sv_m', 1, 'Single', 'single_choice', '[]');
        INSERT INTO "SurveyQuestions" ("Id", "SurveyId", "Position", "Text", "Kind", "Options") VALUES (12, 'sv_m', 2, 'Multiple', 'multiple_choice', '[]');
        INSERT INTO "SurveyQuestions" ("Id", "SurveyId", "Position", "Text", "Kind", "Options") VALUES (13, 'sv_m', 3, 'Rate', 'rating', '[]');
        INSERT INTO "SurveyQuestions" ("Id", "SurveyId", "Position", "Text", "Kind", "Options") VALUES (14, 'sv_m', 4, 'City', 'short_text', '[]');
        INSERT INTO "SurveyResponses" ("SurveyId", "SubmittedAt", "SubmittedOn", "Completed", "AnswersJson") VALUES
            ('sv_m', {{at}}, {{day}}, {{completed}}, '{"11":2,"12":[1,3],"13":5,"14":"Oslo"}'),
            ('sv_m', {{at}}, {{day}}, {{completed}}, '{"11":2,"12":[3],"13":4}'),
            ('sv_m', {{at}}, {{day}}, {{completed}}, '{"q0":"older sample data","11":1}'),
            ('sv_m', {{at}}, {{day}}, {{completed}}, 'not json');
        """;

    private static readonly string[] Expected =
    [
        "11 -1 3", "11 1 1", "11 2 2", "12 -1 2", "12 1 1", "12 3 2", "13 -1 2", "13 4 1", "13 5 1", "14 -1 1",
    ];

    private static async Task<List<string>> CountsAsync(DbConnection connection, string table = "SurveyAnswerDays")
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""SELECT "QuestionId", "Value", "Count" FROM "{table}" WHERE "SurveyId" = 'sv_m'""";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add($"{reader.GetInt64(0)} {reader.GetInt32(1)} {reader.GetInt32(2)}");
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static async Task RunAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    // Migration 0019 then sums the days into each survey's totals: with a second day counted, the totals add both.
    private static async Task TotalsAsync(DbConnection connection, string secondDay, string provider)
    {
        await RunAsync(connection, $"""
            INSERT INTO "SurveyAnswerDays" ("SurveyId", "QuestionId", "Day", "Value", "Count") VALUES ('sv_m', 11, {secondDay}, 2, 4), ('sv_m', 11, {secondDay}, -1, 4)
            """);
        await RunAsync(connection, SchemaScripts.Read("0019_answer_totals", provider));
        var summed = Expected.Select(row => row switch { "11 -1 3" => "11 -1 7", "11 2 2" => "11 2 6", _ => row }).ToList();
        Assert.Equal(summed.Order(StringComparer.Ordinal), await CountsAsync(connection, "SurveyAnswerTotals"));

        // From then on the database keeps them: a count added to a day, and a new value counted, whoever writes them.
        await RunAsync(connection, $"""
            INSERT INTO "SurveyAnswerDays" ("SurveyId", "QuestionId", "Day", "Value", "Count") VALUES ('sv_m', 11, {secondDay}, 2, 1), ('sv_m', 13, {secondDay}, 3, 1)
            ON CONFLICT ("SurveyId", "QuestionId", "Day", "Value") DO UPDATE SET "Count" = "SurveyAnswerDays"."Count" + 1
            """);
        Assert.Equal(summed.Select(row => row == "11 2 6" ? "11 2 7" : row).Append("13 3 1").Order(StringComparer.Ordinal),
            await CountsAsync(connection, "SurveyAnswerTotals"));
    }

    [Fact]
    public async Task OnSqlite_ExistingAnswersAreCounted()
    {
        var path = DatabaseFiles.NewPath("answer-counts");
        using var database = new SqliteTestDatabase(path, deleteOnDispose: true);
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        foreach (var script in ScriptsBefore("0018")) await RunAsync(connection, SchemaScripts.Read(script, "Microsoft.EntityFrameworkCore.Sqlite"));
        await RunAsync(connection, Data(DateTimeOffset.UtcNow.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), "'2026-12-01'", "1"));
        await RunAsync(connection, SchemaScripts.Read("0018_answer_counts", "Microsoft.EntityFrameworkCore.Sqlite"));
        Assert.Equal(Expected, await CountsAsync(connection));
        await TotalsAsync(connection, "'2026-12-02'", "Microsoft.EntityFrameworkCore.Sqlite");
    }

    [Fact]
    public async Task OnPostgres_ExistingAnswersAreCounted()
    {
        using var database = PostgresTestDatabase.Create();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        foreach (var script in ScriptsBefore("0018")) await RunAsync(connection, SchemaScripts.Read(script, "Npgsql.EntityFrameworkCore.PostgreSQL"));
        await RunAsync(connection, Data("now()", "DATE '2026-12-01'", "TRUE"));
        await RunAsync(connection, SchemaScripts.Read("0018_answer_counts", "Npgsql.EntityFrameworkCore.PostgreSQL"));
        Assert.Equal(Expected, await CountsAsync(connection));
        await TotalsAsync(connection, "DATE '2026-12-02'", "Npgsql.EntityFrameworkCore.PostgreSQL");
    }
}
