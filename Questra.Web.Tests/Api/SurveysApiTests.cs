using System.Net;
using System.Text.Json;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

public abstract class SurveysApiTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    [Fact]
    public async Task List_IsPaged_NewestFirst_WithTotals()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        for (var i = 0; i < 5; i++) await Data.SurveyAsync(org, owner, $"S{i}");
        var (_, secret) = await Data.KeyAsync(org, owner);

        var json = await Problem.JsonAsync(await factory.ApiClient(secret, org).GetAsync("/api/surveys?page=2&page_size=2"));

        Assert.Equal(2, json.GetProperty("page").GetInt32());
        Assert.Equal(2, json.GetProperty("page_size").GetInt32());
        Assert.Equal(5, json.GetProperty("total").GetInt32());
        Assert.Equal(2, json.GetProperty("data").GetArrayLength());
        var first = json.GetProperty("data")[0];
        Assert.StartsWith("sv_", first.GetProperty("id").GetString());
        Assert.True(first.TryGetProperty("response_count", out _));
    }

    [Fact]
    public async Task List_TrailingSlashIsOptional()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);

        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(secret, org).GetAsync("/api/surveys/")).StatusCode);
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("page=-1")]
    [InlineData("page=abc")]
    [InlineData("page_size=101")]
    [InlineData("page_size=1e9")]
    public async Task List_BadPaging_Returns400NamingTheField(string query)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);

        var response = await factory.ApiClient(secret, org).GetAsync($"/api/surveys?{query}");

        var detail = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(query.Split('=')[0], detail);
    }

    [Fact]
    public async Task Get_ReturnsQuestions_ButNeverAnswers()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.SurveyAsync(org, owner, "NPS", (DateTimeOffset.UtcNow, true));
        var (_, secret) = await Data.KeyAsync(org, owner);

        var response = await factory.ApiClient(secret, org).GetAsync($"/api/surveys/{survey}");
        var body = await response.Content.ReadAsStringAsync();

        var json = await Problem.JsonAsync(response);
        Assert.Equal("NPS", json.GetProperty("title").GetString());
        Assert.Equal("How was it?", json.GetProperty("questions")[0].GetProperty("text").GetString());
        Assert.DoesNotContain("private answer", body);
    }

    [Fact]
    public async Task Metrics_AreAggregates()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var day1 = new DateTimeOffset(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);
        var survey = await Data.SurveyAsync(org, owner, "M",
            (day1, true), (day1.AddHours(2), false), (day1.AddDays(2), true), (day1.AddDays(2).AddHours(1), true));
        var (_, secret) = await Data.KeyAsync(org, owner, scopes: ["responses:read"]);

        var response = await factory.ApiClient(secret, org).GetAsync($"/api/surveys/{survey}/metrics/responses");
        var body = await response.Content.ReadAsStringAsync();
        var json = await Problem.JsonAsync(response);

        Assert.Equal(4, json.GetProperty("total").GetInt32());
        Assert.Equal(3, json.GetProperty("completed").GetInt32());
        Assert.Equal(0.75, json.GetProperty("completion_rate").GetDouble());
        Assert.Equal(day1, json.GetProperty("first_response_at").GetDateTimeOffset());
        Assert.Equal(day1.AddDays(2).AddHours(1), json.GetProperty("last_response_at").GetDateTimeOffset());
        var perDay = json.GetProperty("responses_per_day").EnumerateArray()
            .Select(d => (d.GetProperty("date").GetString(), d.GetProperty("count").GetInt32())).ToList();
        Assert.Equal([("2026-10-01", 2), ("2026-10-03", 2)], perDay);
        Assert.DoesNotContain("private answer", body);
    }

    [Fact]
    public async Task Metrics_WithNoResponses_AreZero()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.SurveyAsync(org, owner);
        var (_, secret) = await Data.KeyAsync(org, owner);

        var json = await Problem.JsonAsync(await factory.ApiClient(secret, org).GetAsync($"/api/surveys/{survey}/metrics/responses"));

        Assert.Equal(0, json.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("first_response_at").ValueKind);
    }

    [Fact]
    public async Task RestrictedKey_Gets404ForOtherSurveys_AndSeesOnlyItsOwnInTheList()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var allowed = await Data.SurveyAsync(org, owner, "allowed");
        var other = await Data.SurveyAsync(org, owner, "other");
        var (_, secret) = await Data.KeyAsync(org, owner, surveyIds: [allowed]);
        var client = factory.ApiClient(secret, org);

        await Problem.AssertAsync(await client.GetAsync($"/api/surveys/{other}"), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await client.GetAsync($"/api/surveys/{other}/metrics/responses"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/surveys/{allowed}")).StatusCode);
        var list = await Problem.JsonAsync(await client.GetAsync("/api/surveys"));
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("sv_doesNotExist")]
    [InlineData("..%2F..%2Fetc")]
    [InlineData("sv_' OR '1'='1")]
    public async Task UnknownSurvey_Returns404(string id)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);

        await Problem.AssertAsync(await factory.ApiClient(secret, org).GetAsync($"/api/surveys/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnotherOrgsSurvey_Returns404()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (otherOrg, otherOwner) = await Data.OrgWithOwnerAsync();
        var foreign = await Data.SurveyAsync(otherOrg, otherOwner);
        var (_, secret) = await Data.KeyAsync(org, owner);

        await Problem.AssertAsync(await factory.ApiClient(secret, org).GetAsync($"/api/surveys/{foreign}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MembersKey_Gets403ForAnotherMembersSurvey_WhileAnAdminsKeyReadsIt()
    {
        var org = await Data.OrgAsync(policy: ApiKeyCreationPolicy.AllMembers);
        var (member, otherMember, admin) = (await Data.UserAsync(), await Data.UserAsync(), await Data.UserAsync());
        await Data.AddMemberAsync(org, member, OrgRole.Member);
        await Data.AddMemberAsync(org, otherMember, OrgRole.Member);
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        var theirs = await Data.SurveyAsync(org, otherMember);
        var mine = await Data.SurveyAsync(org, member);
        var (_, memberKey) = await Data.KeyAsync(org, member);
        var (_, adminKey) = await Data.KeyAsync(org, admin);

        await Problem.AssertAsync(await factory.ApiClient(memberKey, org).GetAsync($"/api/surveys/{theirs}"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(memberKey, org).GetAsync($"/api/surveys/{mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(adminKey, org).GetAsync($"/api/surveys/{theirs}")).StatusCode);
        var memberList = await Problem.JsonAsync(await factory.ApiClient(memberKey, org).GetAsync("/api/surveys"));
        Assert.Equal(1, memberList.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task DemotingTheKeysOwner_ShrinksItsAccessAtOnce()
    {
        var org = await Data.OrgAsync();
        var (admin, other) = (await Data.UserAsync(), await Data.UserAsync());
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        await Data.AddMemberAsync(org, other, OrgRole.Owner);
        var othersSurvey = await Data.SurveyAsync(org, other);
        var (_, secret) = await Data.KeyAsync(org, admin);
        var client = factory.ApiClient(secret, org);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/surveys/{othersSurvey}")).StatusCode);

        await Data.SetRoleAsync(org, admin, OrgRole.Member);

        await Problem.AssertAsync(await client.GetAsync($"/api/surveys/{othersSurvey}"), HttpStatusCode.Forbidden);
    }
}

public sealed class SurveysApiTestsOnSqlite(QuestraFactory factory) : SurveysApiTests(factory), IClassFixture<QuestraFactory>;

public sealed class SurveysApiTestsOnPostgres(PostgresFactory factory) : SurveysApiTests(factory), IClassFixture<PostgresFactory>;
