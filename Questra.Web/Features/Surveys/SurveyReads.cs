using System.Globalization;
using System.Text.Json;
using Questra.Web.Data;

namespace Questra.Web.Features.Surveys;

/// <summary>A survey as the API shows it: never its responses.</summary>
public sealed record SurveyDetail(string Id, string Title, SurveyStatus Status, DateTimeOffset CreatedAt, string OwnerUserId, IReadOnlyList<QuestionView> Questions,
    DateTimeOffset UpdatedAt = default);

public sealed record QuestionView(int Position, string Text, string Kind, bool Required, bool Hidden, IReadOnlyList<QuestionOption> Options, long Id = 0);

/// <summary>
/// The public API's hot reads as hand-written SQL on prepared statements (<see cref="PreparedReads"/>), the same
/// on SQLite and PostgreSQL but for how a list of ids is passed. They read rows by the ids and filters they are
/// given and decide nothing: who may see what is <see cref="SurveyAccess"/>'s. Tests hold each one to the LINQ
/// query it replaces (<c>SurveyReadsTests</c>).
/// </summary>
public sealed class SurveyReads(PreparedReads database, SurveyStamps stamps, PublicForms forms)
{
    private const string SurveySql = """
        SELECT "Id", "Title", "Status", "CreatedAt", "OwnerUserId", "UpdatedAt" FROM "Surveys" WHERE "Id" = $1 AND "OrganizationId" = $2
        """;

    private const string StampSql = """
        SELECT "OwnerUserId", "UpdatedAt" FROM "Surveys" WHERE "Id" = $1 AND "OrganizationId" = $2
        """;

    private const string QuestionsSql = """
        SELECT q."Position", q."Text", q."Kind", q."Required", q."Hidden", q."Options", q."Id" FROM "SurveyQuestions" q
        WHERE q."SurveyId" = $1 AND EXISTS (SELECT 1 FROM "Surveys" s WHERE s."Id" = $1 AND s."OrganizationId" = $2)
        ORDER BY q."Position", q."Id"
        """;

    // The public form: the survey behind a link and its questions that are not hidden, in order, in one statement.
    private const string PublicFormSql = """
        SELECT s."Id", s."Title", s."Description", s."Status", q."Id", q."Text", q."Kind", q."Required", q."Options"
        FROM "Surveys" s LEFT JOIN "SurveyQuestions" q ON q."SurveyId" = s."Id" AND q."Hidden" = FALSE
        WHERE s."PublicId" = $1
        ORDER BY q."Position", q."Id"
        """;

    private const string DaysSql = """
        SELECT "Day", "Total", "Completed", "FirstAt", "LastAt" FROM "SurveyResponseDays" WHERE "SurveyId" = $1 ORDER BY "Day"
        """;

    /// <summary>
    /// The survey <paramref name="surveyId"/> of <paramref name="organizationId"/> (null: none there), with its
    /// questions in order if asked — and only if it is <paramref name="ownedBy"/>'s, when that is given: a survey
    /// the reader will be refused is not read further.
    /// </summary>
    internal async Task<SurveyDetail?> FindAsync(string organizationId, string surveyId, bool withQuestions, CancellationToken ct, string? ownedBy = null)
    {
        await using var session = await database.OpenAsync(ct);
        SurveyDetail? found;
        await using (var reader = await session.Command(SurveySql, surveyId, organizationId).ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return null;
            found = new SurveyDetail(reader.GetString(0), reader.GetString(1), ParseStatus(reader.GetString(2)),
                database.ReadInstant(reader, 3), reader.GetString(4), [], database.ReadInstant(reader, 5));
        }
        if (!withQuestions || (ownedBy is not null && found.OwnerUserId != ownedBy)) return found;
        var questions = new List<QuestionView>();
        await using (var reader = await session.Command(QuestionsSql, surveyId, organizationId).ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                questions.Add(new QuestionView(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4),
                    ParseOptions(reader.GetString(5)), reader.GetInt64(6)));
            }
        }
        return found with { Questions = questions };
    }

    /// <summary>
    /// Who owns the survey <paramref name="surveyId"/> of <paramref name="organizationId"/> and when it last changed
    /// (null: none there): from <see cref="SurveyStamps"/> when it has them, else read and kept there.
    /// </summary>
    internal async Task<(string OwnerUserId, DateTimeOffset UpdatedAt)?> StampAsync(string organizationId, string surveyId, CancellationToken ct)
    {
        if (stamps.Find(organizationId, surveyId) is { } known) return known;
        var generation = stamps.Generation;
        await using var session = await database.OpenAsync(ct);
        await using var reader = await session.Command(StampSql, surveyId, organizationId).ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var (owner, stamp) = (reader.GetString(0), database.ReadInstant(reader, 1));
        stamps.Store(organizationId, surveyId, owner, stamp, generation);
        return (owner, stamp);
    }

    /// <summary>
    /// The survey behind the public link <paramref name="publicId"/> as its form shows it (null: no such link), from
    /// this instance's memory when it was read lately and has not changed since (<see cref="PublicForms"/>).
    /// </summary>
    internal async Task<PublicSurvey?> PublicFormAsync(string publicId, CancellationToken ct)
    {
        if (forms.Find(publicId) is { } kept) return kept;
        var generation = forms.Generation;
        await using var session = await database.OpenAsync(ct);
        await using var reader = await session.Command(PublicFormSql, publicId).ExecuteReaderAsync(ct);
        PublicSurvey? form = null;
        var questions = new List<PublicQuestion>();
        while (await reader.ReadAsync(ct))
        {
            form ??= new PublicSurvey(reader.GetString(0), publicId, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                ParseStatus(reader.GetString(3)), questions);
            if (reader.IsDBNull(4)) continue;
            questions.Add(new PublicQuestion(reader.GetInt64(4), reader.GetString(5), reader.GetString(6), reader.GetBoolean(7), ParseOptions(reader.GetString(8))));
        }
        if (form is not null) forms.Store(form, generation);
        return form;
    }

    private const string MinCellSizeSql = """
        SELECT "MinCellSize" FROM "Organizations" WHERE "Id" = $1
        """;

    private const string AnswerDaysSql = """
        SELECT "QuestionId", "Day", "Value", "Count" FROM "SurveyAnswerDays" WHERE "SurveyId" = $1 AND "Day" >= $2 AND "Day" <= $3
        """;

    private const string AnswerRangeSql = """
        SELECT "QuestionId", "Value", CAST(sum("Count") AS integer) FROM "SurveyAnswerDays" WHERE "SurveyId" = $1 AND "Day" >= $2 AND "Day" <= $3
        GROUP BY "QuestionId", "Value"
        """;

    private const string AnswerTotalsSql = """
        SELECT "QuestionId", "Value", "Count" FROM "SurveyAnswerTotals" WHERE "SurveyId" = $1
        """;

    /// <summary>
    /// What a survey's per-question aggregates read, on one connection: the organization's minimum cell size (the
    /// default when it is gone) and the answer counts from <paramref name="from"/> to <paramref name="to"/>, days
    /// included (null: from the first day, to the last). Per day (<see cref="SurveyAnswerDay"/> rows) when
    /// <paramref name="byDay"/>; otherwise one row per question and value, summed by the database — over the whole
    /// survey read from its totals (<see cref="SurveyAnswerTotal"/>), so its cost does not grow with the days it ran.
    /// Rows without days carry <c>default</c> as their day.
    /// </summary>
    internal async Task<(int MinCellSize, List<(long QuestionId, DateOnly Day, int Value, int Count)> Rows)> AnswerCountsAsync(
        string organizationId, string surveyId, DateOnly? from, DateOnly? to, bool byDay, CancellationToken ct)
    {
        await using var session = await database.OpenAsync(ct);
        var value = await session.Command(MinCellSizeSql, organizationId).ExecuteScalarAsync(ct);
        var minCell = value is null or DBNull ? Organizations.Organization.DefaultMinCellSize : Math.Max(1, Convert.ToInt32(value, CultureInfo.InvariantCulture));
        var (first, last) = (database.Date(from ?? DateOnly.MinValue), database.Date(to ?? DateOnly.MaxValue));
        var command = byDay ? session.Command(AnswerDaysSql, surveyId, first, last)
            : from is null && to is null ? session.Command(AnswerTotalsSql, surveyId)
            : session.Command(AnswerRangeSql, surveyId, first, last);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<(long, DateOnly, int, int)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(byDay ? (reader.GetInt64(0), database.ReadDate(reader, 1), reader.GetInt32(2), reader.GetInt32(3))
                : (reader.GetInt64(0), default, reader.GetInt32(1), reader.GetInt32(2)));
        }
        return (minCell, rows);
    }

    /// <summary>The per-day roll-up rows of a survey, oldest day first.</summary>
    internal async Task<List<SurveyResponseDay>> DaysAsync(string surveyId, CancellationToken ct)
    {
        await using var session = await database.OpenAsync(ct);
        await using var reader = await session.Command(DaysSql, surveyId).ExecuteReaderAsync(ct);
        var days = new List<SurveyResponseDay>();
        while (await reader.ReadAsync(ct))
        {
            days.Add(new SurveyResponseDay
            {
                SurveyId = surveyId,
                Day = database.ReadDate(reader, 0),
                Total = reader.GetInt32(1),
                Completed = reader.GetInt32(2),
                FirstAt = database.ReadInstant(reader, 3),
                LastAt = database.ReadInstant(reader, 4),
            });
        }
        return days;
    }

    /// <summary>
    /// One page of an organization's surveys, newest first (ties by id), each with its response total (kept by the
    /// database), and how many there are in all; only <paramref name="ownerUserId"/>'s when given, only the ids in
    /// <paramref name="onlyIds"/> when given.
    /// </summary>
    internal async Task<Page<SurveySummary>> PageAsync(string organizationId, string? ownerUserId, IReadOnlyList<string>? onlyIds,
        int page, int pageSize, CancellationToken ct)
    {
        var (pageSql, countSql) = listSql[(ownerUserId is null ? 0 : 1) + (onlyIds is null ? 0 : 2)];
        object? ids = onlyIds is null ? null
            : database.Provider == DatabaseProvider.PostgreSQL ? onlyIds.ToArray()
            : JsonSerializer.Serialize(onlyIds);
        object[] filter = (ownerUserId, ids) switch
        {
            (null, null) => [organizationId],
            (not null, null) => [organizationId, ownerUserId],
            (null, not null) => [organizationId, ids],
            _ => [organizationId, ownerUserId, ids],
        };

        await using var session = await database.OpenAsync(ct);
        var items = new List<SurveySummary>(pageSize);
        await using (var reader = await session.Command(pageSql, [.. filter, pageSize, (page - 1) * pageSize]).ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items.Add(new SurveySummary(reader.GetString(0), reader.GetString(1), ParseStatus(reader.GetString(2)),
                    database.ReadInstant(reader, 3), reader.GetString(4), reader.GetInt32(5), database.ReadInstant(reader, 6)));
            }
        }
        var total = Convert.ToInt32(await session.Command(countSql, filter).ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return new Page<SurveySummary>(items, page, pageSize, total);
    }

    /// <summary>
    /// The surveys after <paramref name="after"/> (null: from the start) in the list's order — newest first, ties by
    /// id — at most <paramref name="take"/>, with the same filters as <see cref="PageAsync"/>: read from the index at
    /// the position, so a deep page costs what the first one does.
    /// </summary>
    internal async Task<List<SurveySummary>> NewestAsync(string organizationId, string? ownerUserId, IReadOnlyList<string>? onlyIds,
        KeysetPosition? after, int take, CancellationToken ct)
    {
        var sql = newestSql[(ownerUserId is null ? 0 : 1) + (onlyIds is null ? 0 : 2) + (after is null ? 0 : 4)];
        var values = new List<object>(6) { organizationId };
        if (ownerUserId is not null) values.Add(ownerUserId);
        if (onlyIds is not null) values.Add(database.Provider == DatabaseProvider.PostgreSQL ? onlyIds.ToArray() : JsonSerializer.Serialize(onlyIds));
        if (after is { } position)
        {
            values.Add(database.Instant(position.At));
            values.Add(position.Id ?? "");
        }
        values.Add(take);

        await using var session = await database.OpenAsync(ct);
        var items = new List<SurveySummary>(take);
        await using var reader = await session.Command(sql, [.. values]).ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(new SurveySummary(reader.GetString(0), reader.GetString(1), ParseStatus(reader.GetString(2)),
                database.ReadInstant(reader, 3), reader.GetString(4), reader.GetInt32(5), database.ReadInstant(reader, 6)));
        }
        return items;
    }

    // The keyset list's eight statements (by owner or not × by ids or not × from a position or not).
    private readonly string[] newestSql = [.. Enumerable.Range(0, 8).Select(v => NewestSql(database.Provider, (v & 1) != 0, (v & 2) != 0, (v & 4) != 0))];

    internal static string NewestSql(DatabaseProvider provider, bool byOwner, bool byIds, bool afterPosition)
    {
        var (where, n) = Filter(provider, byOwner, byIds);
        // The first bound lets the database seek the index to the position; the second picks what follows it.
        if (afterPosition) where += $""" AND s."CreatedAt" <= ${n + 1} AND (s."CreatedAt" < ${n + 1} OR (s."CreatedAt" = ${n + 1} AND s."Id" > ${n + 2}))""";
        return $"""
            SELECT s."Id", s."Title", s."Status", s."CreatedAt", s."OwnerUserId", s."ResponseCount", s."UpdatedAt"
            FROM "Surveys" s {where}
            ORDER BY s."CreatedAt" DESC, s."Id" LIMIT ${n + (afterPosition ? 3 : 1)}
            """;
    }

    // The list's four statements (by owner or not × by ids or not), page and count, written once per provider.
    private readonly (string Page, string Count)[] listSql = [.. Enumerable.Range(0, 4).Select(v => ListSql(database.Provider, (v & 1) != 0, (v & 2) != 0))];

    // The visible surveys of an organization: $1 the organization, then the owner and the ids when filtered by them.
    private static (string Where, int Count) Filter(DatabaseProvider provider, bool byOwner, bool byIds)
    {
        var where = """WHERE s."OrganizationId" = $1""";
        var n = 1;
        if (byOwner) where += $""" AND s."OwnerUserId" = ${++n}""";
        // SQLite takes a list as JSON text; PostgreSQL as an array.
        if (byIds) where += provider == DatabaseProvider.PostgreSQL
            ? $""" AND s."Id" = ANY(${++n})"""
            : $""" AND s."Id" IN (SELECT value FROM json_each(${++n}))""";
        return (where, n);
    }

    internal static (string Page, string Count) ListSql(DatabaseProvider provider, bool byOwner, bool byIds)
    {
        var (where, n) = Filter(provider, byOwner, byIds);
        return ($"""
            SELECT s."Id", s."Title", s."Status", s."CreatedAt", s."OwnerUserId", s."ResponseCount", s."UpdatedAt"
            FROM "Surveys" s {where}
            ORDER BY s."CreatedAt" DESC, s."Id" LIMIT ${n + 1} OFFSET ${n + 2}
            """, $"""SELECT COUNT(*) FROM "Surveys" s {where}""");
    }

    // Stored as SurveyQuestionConfiguration writes it; "[]" (every question without options) costs no parse.
    private static List<QuestionOption> ParseOptions(string stored) =>
        stored == "[]" ? [] : JsonSerializer.Deserialize<List<QuestionOption>>(stored, SurveyQuestionConfiguration.Json) ?? [];

    // Stored as the enum's name (see QuestraDbContext's conventions).
    private static SurveyStatus ParseStatus(string stored) => Enum.Parse<SurveyStatus>(stored);
}
