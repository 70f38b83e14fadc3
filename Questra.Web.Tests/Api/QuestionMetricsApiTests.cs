using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>
/// <c>GET /api/surveys/{id}/metrics/questions</c> on both databases: counts written with each response, small counts
/// withheld under the organization's minimum cell size (with what would give them back), answers never sent, and
/// the key's survey restriction kept.
/// </summary>
public abstract class QuestionMetricsApiTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    private static string Field(Survey survey, string kind) => $"q{survey.Questions.First(q => q.Kind == kind).Id}";

    private static int OptionId(Survey survey, string kind, string text) =>
        survey.Questions.First(q => q.Kind == kind).Options.Single(o => o.Text == text).Id;

    private async Task<(string Org, string Owner, Survey Survey)> AnsweredSurveyAsync()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        var at = factory.Clock.GetUtcNow();
        string Id(string text) => OptionId(survey, QuestionKinds.SingleChoice, text).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Red = Id("Red"), Green = Id("Green"), Blue = Id("Blue");
        // 12 responses: single choice Red ×7, Green ×4, Blue ×1; rating 5 ×6 and 4 ×6; the city typed 5 times; Red+Green chosen together 3 times.
        for (var i = 0; i < 12; i++)
        {
            var fields = new List<KeyValuePair<string, StringValues>>
            {
                new(Field(survey, QuestionKinds.SingleChoice), i < 7 ? Red : i < 11 ? Green : Blue),
                new(Field(survey, QuestionKinds.Rating), i % 2 == 0 ? "5" : "4"),
            };
            if (i < 5) fields.Add(new(Field(survey, QuestionKinds.ShortText), $"Secret city {i}"));
            if (i < 3) fields.Add(new(Field(survey, QuestionKinds.MultipleChoice), new StringValues([Red, Green])));
            await Data.RespondAsync(survey, fields, at);
        }
        return (org, owner, survey);
    }

    private static JsonElement Question(JsonElement metrics, string kind) =>
        metrics.GetProperty("questions").EnumerateArray().Single(q => q.GetProperty("kind").GetString() == kind);

    private static JsonElement Option(JsonElement counts, string text) =>
        counts.GetProperty("options").EnumerateArray().Single(o => o.GetProperty("text").GetString() == text);

    [Fact]
    public async Task CountsPerQuestion_WithholdSmallGroups_AndWhatWouldGiveThemBack_NeverAnAnswer()
    {
        var (org, owner, survey) = await AnsweredSurveyAsync();
        var (_, secret) = await Data.KeyAsync(org, owner, scopes: ["responses:read"]);
        var response = await factory.ApiClient(secret, org).GetAsync($"/api/surveys/{survey.Id}/metrics/questions");
        var metrics = await Problem.JsonAsync(response);
        var body = metrics.GetRawText();

        Assert.Equal(5, metrics.GetProperty("min_cell_size").GetInt32());
        var single = Question(metrics, QuestionKinds.SingleChoice).GetProperty("total");
        Assert.Equal(12, single.GetProperty("answered").GetProperty("count").GetInt32());
        Assert.Equal(7, Option(single, "Red").GetProperty("count").GetInt32());
        foreach (var small in new[] { "Green", "Blue" }) // 4 and 1: both under 5, together 5
        {
            Assert.Equal(JsonValueKind.Null, Option(single, small).GetProperty("count").ValueKind);
            Assert.True(Option(single, small).GetProperty("suppressed").GetBoolean());
        }
        var rating = Question(metrics, QuestionKinds.Rating).GetProperty("total");
        Assert.Equal(4.5, rating.GetProperty("mean").GetDouble());
        Assert.Equal(6, rating.GetProperty("values").EnumerateArray().Single(v => v.GetProperty("value").GetInt32() == 5).GetProperty("count").GetInt32());
        Assert.Equal(0, rating.GetProperty("values").EnumerateArray().Single(v => v.GetProperty("value").GetInt32() == 1).GetProperty("count").GetInt32());
        var multiple = Question(metrics, QuestionKinds.MultipleChoice).GetProperty("total");
        Assert.True(multiple.GetProperty("answered").GetProperty("suppressed").GetBoolean()); // 3 answered it
        var text = Question(metrics, QuestionKinds.ShortText).GetProperty("total");
        Assert.Equal(5, text.GetProperty("answered").GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, text.GetProperty("options").ValueKind);
        Assert.DoesNotContain("Secret city", body);
        Assert.NotNull(response.Headers.ETag);

        // The organization says 1: every count shows.
        var caller = new Caller(owner, "127.0.0.1");
        Assert.True((await Data.WithService<MembershipService, ServiceResult<Organization>>(m => m.SetMinCellSizeAsync(org, caller, 1))).Succeeded);
        var open = Question(await Problem.JsonAsync(await factory.ApiClient(secret, org).GetAsync($"/api/surveys/{survey.Id}/metrics/questions")), QuestionKinds.SingleChoice);
        Assert.Equal(1, Option(open.GetProperty("total"), "Blue").GetProperty("count").GetInt32());
        foreach (var bad in new int?[] { 0, -3, 1001, null })
        {
            Assert.False((await Data.WithService<MembershipService, ServiceResult<Organization>>(m => m.SetMinCellSizeAsync(org, caller, bad))).Succeeded);
        }
        Assert.Equal(1, await Data.WithDb(db => db.Organizations.Where(o => o.Id == org).Select(o => o.MinCellSize).SingleAsync()));
    }

    [Fact]
    public async Task AWholeSurvey_ReadFromItsTotals_CountsWhatItsDaysCount()
    {
        // Responses on two days: the whole survey (read from its totals), the range over both days (summed by the
        // database) and the days one by one give the same counts.
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        var now = factory.Clock.GetUtcNow();
        var red = OptionId(survey, QuestionKinds.SingleChoice, "Red").ToString(System.Globalization.CultureInfo.InvariantCulture);
        var blue = OptionId(survey, QuestionKinds.SingleChoice, "Blue").ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < 7; i++)
        {
            await Data.RespondAsync(survey, [new(Field(survey, QuestionKinds.SingleChoice), i < 4 ? red : blue), new(Field(survey, QuestionKinds.Rating), i < 3 ? "2" : "5")],
                i < 3 ? now.AddDays(-1) : now);
        }
        var caller = new Caller(owner, "127.0.0.1");
        Assert.True((await Data.WithService<MembershipService, ServiceResult<Organization>>(m => m.SetMinCellSizeAsync(org, caller, 1))).Succeeded);
        var (_, secret) = await Data.KeyAsync(org, owner, scopes: ["responses:read"]);
        var client = factory.ApiClient(secret, org);
        var (yesterday, today) = (DateOnly.FromDateTime(now.AddDays(-1).UtcDateTime), DateOnly.FromDateTime(now.UtcDateTime));

        async Task<Dictionary<string, int>> CountsAsync(string query, bool byPeriods = false)
        {
            var metrics = await Problem.JsonAsync(await client.GetAsync($"/api/surveys/{survey.Id}/metrics/questions{query}"));
            var counts = new Dictionary<string, int>();
            foreach (var question in metrics.GetProperty("questions").EnumerateArray())
            {
                var kind = question.GetProperty("kind").GetString();
                var parts = byPeriods ? question.GetProperty("periods").EnumerateArray().Select(p => p.GetProperty("counts")).ToList() : [question.GetProperty("total")];
                foreach (var part in parts)
                {
                    void Add(string name, JsonElement cell) => counts[name] = counts.GetValueOrDefault(name) + cell.GetProperty("count").GetInt32();
                    Add($"{kind} answered", part.GetProperty("answered"));
                    foreach (var list in new[] { "options", "values" })
                    {
                        if (!part.TryGetProperty(list, out var cells) || cells.ValueKind != JsonValueKind.Array) continue;
                        foreach (var cell in cells.EnumerateArray())
                        {
                            Add($"{kind} {list} {(cell.TryGetProperty("id", out var id) ? id : cell.GetProperty("value")).GetInt32()}", cell);
                        }
                    }
                }
            }
            return counts.Where(c => c.Value != 0).ToDictionary(); // a period with nothing in it is not listed
        }

        var whole = await CountsAsync("");
        Assert.Equal(7, whole["single_choice answered"]);
        Assert.Equal(4, whole[$"single_choice options {red}"]);
        Assert.Equal(3, whole["rating values 2"]);
        Assert.Equal(whole, await CountsAsync($"?from={yesterday:yyyy-MM-dd}&to={today:yyyy-MM-dd}"));
        Assert.Equal(whole, await CountsAsync($"?interval=day&from={yesterday:yyyy-MM-dd}&to={today:yyyy-MM-dd}", byPeriods: true));
        Assert.Equal(3, (await CountsAsync($"?to={yesterday:yyyy-MM-dd}"))["rating answered"]);
    }

    [Fact]
    public async Task CsvIsSentWhenAskedFor_QuotedAndNeutralisedAgainstFormulas()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var draft = TestData.EveryKind("=HYPERLINK(\"http://evil.example\",\"x\")");
        draft.Questions[0].Options[0].Text = "+1, \"quoted\"";
        var survey = await Data.AuthoredSurveyAsync(org, owner, draft);
        await Data.RespondAsync(survey, [new(Field(survey, QuestionKinds.Rating), new StringValues("3"))], factory.Clock.GetUtcNow());
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        client.DefaultRequestHeaders.Accept.ParseAdd("text/csv");

        var list = await client.GetAsync("/api/surveys?limit=1");
        Assert.Equal("text/csv", list.Content.Headers.ContentType!.MediaType);
        var lines = (await list.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("\"id\",\"title\",\"status\",\"created_at\",\"updated_at\",\"owner_id\",\"response_count\"", lines[0]);
        Assert.StartsWith($"\"{survey.Id}\",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",\"Active\"", lines[1]);
        Assert.Equal("false", list.Headers.GetValues("Questra-Has-More").Single());
        Assert.Contains("Accept", list.Headers.Vary);

        var questions = await (await client.GetAsync($"/api/surveys/{survey.Id}/metrics/questions")).Content.ReadAsStringAsync();
        Assert.StartsWith("\"position\",\"question\",\"kind\",\"period_start\",\"measure\"", questions);
        Assert.Contains("\"option\",\"1\",\"'+1, \"\"quoted\"\"\"", questions);
        Assert.Contains("\"mean\",\"\",\"\",\"\",\"\",\"\",\"true\"", questions); // one rating of 3: withheld
        var days = await (await client.GetAsync($"/api/surveys/{survey.Id}/metrics/responses")).Content.ReadAsStringAsync();
        Assert.Equal($"\"date\",\"responses\"\r\n\"{factory.Clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}\",\"1\"\r\n", days);

        // JSON stays the default, and the two forms have their own tags.
        var json = await factory.ApiClient(secret, org).GetAsync("/api/surveys?limit=1");
        Assert.Equal("application/json", json.Content.Headers.ContentType!.MediaType);
        Assert.NotEqual(list.Headers.ETag!.Tag, json.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Periods_FromToAndInterval_AreChecked_AndARestrictedKeySeesOnlyItsSurveys()
    {
        var (org, owner, survey) = await AnsweredSurveyAsync();
        var other = await Data.AuthoredSurveyAsync(org, owner);
        var (_, secret) = await Data.KeyAsync(org, owner, scopes: ["responses:read"]);
        var client = factory.ApiClient(secret, org);
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);

        var daily = await Problem.JsonAsync(await client.GetAsync($"/api/surveys/{survey.Id}/metrics/questions?interval=day&from={today.AddDays(-3):yyyy-MM-dd}&to={today:yyyy-MM-dd}"));
        Assert.Equal("day", daily.GetProperty("interval").GetString());
        var periods = Question(daily, QuestionKinds.SingleChoice).GetProperty("periods");
        Assert.Equal(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Assert.Single(periods.EnumerateArray()).GetProperty("start").GetString());
        var before = await Problem.JsonAsync(await client.GetAsync($"/api/surveys/{survey.Id}/metrics/questions?to={today.AddDays(-1):yyyy-MM-dd}"));
        Assert.Equal(0, Question(before, QuestionKinds.SingleChoice).GetProperty("total").GetProperty("answered").GetProperty("count").GetInt32());

        foreach (var (query, field) in new[]
                 {
                     ("from=2026-13-01", "from"), ("to=yesterday", "to"), ("from=2026-12-05&to=2026-12-01", "to"), ("interval=month", "interval"),
                     ("interval=day&from=2020-01-01&to=2026-01-01", "interval"),
                 })
        {
            var problem = await Problem.JsonAsync(await client.GetAsync($"/api/surveys/{survey.Id}/metrics/questions?{query}"), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), query);
        }

        var (_, narrow) = await Data.KeyAsync(org, owner, scopes: ["responses:read"], surveyIds: [other.Id]);
        await Problem.AssertAsync(await factory.ApiClient(narrow, org).GetAsync($"/api/surveys/{survey.Id}/metrics/questions"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(narrow, org).GetAsync($"/api/surveys/{other.Id}/metrics/questions")).StatusCode);
        var (_, surveysOnly) = await Data.KeyAsync(org, owner, scopes: ["surveys:read"]);
        await Problem.AssertAsync(await factory.ApiClient(surveysOnly, org).GetAsync($"/api/surveys/{survey.Id}/metrics/questions"), HttpStatusCode.Forbidden);
    }
}

public sealed class QuestionMetricsApiTestsOnSqlite(QuestraFactory factory) : QuestionMetricsApiTests(factory), IClassFixture<QuestraFactory>;

public sealed class QuestionMetricsApiTestsOnPostgres(PostgresFactory factory) : QuestionMetricsApiTests(factory), IClassFixture<PostgresFactory>;
