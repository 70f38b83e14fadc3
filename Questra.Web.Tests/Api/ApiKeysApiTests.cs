using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

public abstract class ApiKeysApiTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Create_Returns201WithTheSecretOnce_AndTheNewKeyWorks()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        var expires = new DateTimeOffset(factory.Clock.GetUtcNow().UtcDateTime.Date.AddDays(40).AddHours(12), TimeSpan.Zero);
        var response = await client.PostAsync("/api/api-keys", Json($$"""{"name":"  Production Integration ","expires_at":"{{expires:yyyy-MM-ddTHH:mm:ssZ}}"}"""));
        var created = await Problem.JsonAsync(response, HttpStatusCode.Created);

        var id = created.GetProperty("id").GetString()!;
        var newSecret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("ak_", id);
        Assert.StartsWith("sk_live_", newSecret);
        Assert.Equal("Production Integration", created.GetProperty("name").GetString());
        Assert.Equal(expires, created.GetProperty("expires_at").GetDateTimeOffset());
        Assert.False(created.GetProperty("revoked").GetBoolean());
        Assert.False(created.GetProperty("expired").GetBoolean());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("last_used_at").ValueKind);
        Assert.Equal(owner, created.GetProperty("created_by").GetString());
        Assert.Equal($"/api/api-keys/{id}", response.Headers.Location?.OriginalString);

        var fetched = await client.GetStringAsync($"/api/api-keys/{id}");
        var listed = await client.GetStringAsync("/api/api-keys");
        Assert.DoesNotContain(newSecret, fetched + listed);
        Assert.DoesNotContain("\"secret\"", fetched + listed);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(newSecret, org).GetAsync("/api/surveys")).StatusCode);
    }

    [Fact]
    public async Task Create_OmittedScopesAndSurveys_InheritTheCallingKeys()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.SurveyAsync(org, owner);
        var (_, secret) = await Data.KeyAsync(org, owner, scopes: ["surveys:read", "api_keys:write"], surveyIds: [survey]);

        var created = await Problem.JsonAsync(
            await factory.ApiClient(secret, org).PostAsync("/api/api-keys", Json("""{"name":"child"}""")), HttpStatusCode.Created);

        Assert.Equal(["surveys:read", "api_keys:write"], created.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal([survey], created.GetProperty("survey_ids").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task DataAccessKey_CannotCreateKeys()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner, scopes: ["surveys:read", "responses:read"]);

        await Problem.AssertAsync(
            await factory.ApiClient(secret, org).PostAsync("/api/api-keys", Json("""{"name":"x"}""")), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Key_CannotCreateAKeyWithAScopeItLacks()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner, scopes: ["surveys:read", "api_keys:write"]);

        var detail = await Problem.AssertAsync(await factory.ApiClient(secret, org).PostAsync("/api/api-keys",
            Json("""{"name":"x","scopes":["surveys:read","responses:read"]}""")), HttpStatusCode.Forbidden);

        Assert.Contains("responses:read", detail);
    }

    [Fact]
    public async Task Key_CannotCreateAKeyForASurveyOutsideItsRestriction()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (mine, other) = (await Data.SurveyAsync(org, owner), await Data.SurveyAsync(org, owner));
        var (_, secret) = await Data.KeyAsync(org, owner, surveyIds: [mine]);
        var client = factory.ApiClient(secret, org);

        await Problem.AssertAsync(await client.PostAsync("/api/api-keys", Json($$"""{"name":"x","survey_ids":["{{other}}"]}""")), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/api-keys", Json($$"""{"name":"x","survey_ids":["{{mine}}"]}"""))).StatusCode);
    }

    [Theory]
    [InlineData("""{"name":""}""", "name", 422)]
    [InlineData("""{"name":"x","expires_at":"2020-01-01T00:00:00Z"}""", "expires_at", 422)]
    [InlineData("""{"name":"x","expires_at":"2999-01-01T00:00:00"}""", "expires_at", 422)] // no zone
    [InlineData("""{"name":"x","expires_at":"9999-12-31T00:00:00Z"}""", "expires_at", 422)]
    [InlineData("""{"name":"x","scopes":["surveys:write"]}""", "scopes", 422)]
    [InlineData("""{"name":"x","scopes":[]}""", "scopes", 422)]
    [InlineData("""{"name":"x","survey_ids":["sv_nope"]}""", "survey_ids", 422)]
    public async Task Create_InvalidBody_AnswersWithFieldErrors_AndCreatesNothing(string body, string field, int status)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);

        var response = await factory.ApiClient(secret, org).PostAsync("/api/api-keys", Json(body));

        await Problem.AssertAsync(response, (HttpStatusCode)status);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(json.GetProperty("errors").TryGetProperty(field, out _), json.ToString());
        Assert.Equal(1, await Data.WithDb(db => Task.FromResult(db.ApiKeys.Count(k => k.OrganizationId == org))));
    }

    [Theory]
    [InlineData("""{"name":123}""")]
    [InlineData("""{"name":"x","unknown":1}""")]
    [InlineData("""{"name":"x","scopes":"surveys:read"}""")]
    [InlineData("""{"name":"x""")]
    [InlineData("null")]
    [InlineData("")]
    public async Task Create_MalformedBody_Returns400(string body)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);

        await Problem.AssertAsync(await factory.ApiClient(secret, org).PostAsync("/api/api-keys", Json(body)), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_ByAUserWithoutMfa_IsRefusedThroughTheApiToo()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);
        await Data.WithDb(db => db.Users.Where(u => u.Id == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, false)));

        var detail = await Problem.AssertAsync(
            await factory.ApiClient(secret, org).PostAsync("/api/api-keys", Json("""{"name":"x"}""")), HttpStatusCode.Forbidden);

        Assert.Contains("Two-factor", detail);
    }

    [Fact]
    public async Task List_MemberSeesOwnKeysOnly_AdminSeesAll()
    {
        var org = await Data.OrgAsync(policy: ApiKeyCreationPolicy.AllMembers);
        var (member, admin) = (await Data.UserAsync(), await Data.UserAsync());
        await Data.AddMemberAsync(org, member, OrgRole.Member);
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        var (_, memberKey) = await Data.KeyAsync(org, member);
        var (_, adminKey) = await Data.KeyAsync(org, admin);

        var memberList = await Problem.JsonAsync(await factory.ApiClient(memberKey, org).GetAsync("/api/api-keys"));
        var adminList = await Problem.JsonAsync(await factory.ApiClient(adminKey, org).GetAsync("/api/api-keys"));

        Assert.Equal(1, memberList.GetProperty("total").GetInt32());
        Assert.Equal(2, adminList.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Member_CannotRevokeAnotherMembersKey_WhileAnAdminCan()
    {
        var org = await Data.OrgAsync(policy: ApiKeyCreationPolicy.AllMembers);
        var (member, other, admin) = (await Data.UserAsync(), await Data.UserAsync(), await Data.UserAsync());
        await Data.AddMemberAsync(org, member, OrgRole.Member);
        await Data.AddMemberAsync(org, other, OrgRole.Member);
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        var (_, memberKey) = await Data.KeyAsync(org, member);
        var (otherId, otherSecret) = await Data.KeyAsync(org, other);
        var (_, adminKey) = await Data.KeyAsync(org, admin);

        await Problem.AssertAsync(await factory.ApiClient(memberKey, org).PostAsync($"/api/api-keys/{otherId}/revoke", null), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await factory.ApiClient(memberKey, org).GetAsync($"/api/api-keys/{otherId}"), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await factory.ApiClient(memberKey, org).DeleteAsync($"/api/api-keys/{otherId}"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(otherSecret, org).GetAsync("/api/surveys")).StatusCode);

        var revoked = await Problem.JsonAsync(await factory.ApiClient(adminKey, org).PostAsync($"/api/api-keys/{otherId}/revoke", null));

        Assert.True(revoked.GetProperty("revoked").GetBoolean());
        await Problem.AssertAsync(await factory.ApiClient(otherSecret, org).GetAsync("/api/surveys"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task KeyOfAnotherOrg_Returns404()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (otherOrg, otherOwner) = await Data.OrgWithOwnerAsync();
        var (foreignId, _) = await Data.KeyAsync(otherOrg, otherOwner);
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        await Problem.AssertAsync(await client.GetAsync($"/api/api-keys/{foreignId}"), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await client.PostAsync($"/api/api-keys/{foreignId}/revoke", null), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await client.DeleteAsync($"/api/api-keys/{foreignId}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Roll_NewKeyWorks_OldKeepsWorkingThroughTheGracePeriod_ThenStops()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, oldSecret) = await Data.KeyAsync(org, owner, scopes: ["surveys:read", "api_keys:write", "api_keys:read"], name: "Nightly ETL");
        var client = factory.ApiClient(oldSecret, org);

        var rolled = await Problem.JsonAsync(
            await client.PostAsync($"/api/api-keys/{id}/roll", Json("""{"grace_period_hours":1}""")), HttpStatusCode.Created);

        var newSecret = rolled.GetProperty("secret").GetString()!;
        Assert.NotEqual(id, rolled.GetProperty("id").GetString());
        Assert.Equal("Nightly ETL", rolled.GetProperty("name").GetString());
        Assert.Equal(3, rolled.GetProperty("scopes").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(newSecret, org).GetAsync("/api/surveys")).StatusCode);

        factory.Clock.Advance(TimeSpan.FromHours(1));
        await Problem.AssertAsync(await client.GetAsync("/api/surveys"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(newSecret, org).GetAsync("/api/surveys")).StatusCode);
    }

    [Fact]
    public async Task Roll_WithNoGrace_StopsTheOldKeyNow_AndARevokedKeyCannotBeRolled()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, oldSecret) = await Data.KeyAsync(org, owner);
        var (_, admin) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(admin, org);

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/api-keys/{id}/roll", Json("""{"grace_period_hours":0}"""))).StatusCode);

        await Problem.AssertAsync(await factory.ApiClient(oldSecret, org).GetAsync("/api/surveys"), HttpStatusCode.Unauthorized);
        await Problem.AssertAsync(await client.PostAsync($"/api/api-keys/{id}/roll", null), HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("""{"grace_period_hours":-1}""", 422)]
    [InlineData("""{"grace_period_hours":169}""", 422)]
    [InlineData("""{"grace_period_hours":"soon"}""", 400)]
    public async Task Roll_BadGracePeriod_IsRefused_AndChangesNothing(string body, int status)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        await Problem.AssertAsync(await client.PostAsync($"/api/api-keys/{id}/roll", Json(body)), (HttpStatusCode)status);

        Assert.Equal(1, await Data.WithDb(db => Task.FromResult(db.ApiKeys.Count(k => k.OrganizationId == org))));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);
    }

    [Fact]
    public async Task Roll_ByAKeyWithFewerScopesThanTheTarget_IsOutsideItsReach()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (fullId, _) = await Data.KeyAsync(org, owner);
        var (_, narrow) = await Data.KeyAsync(org, owner, scopes: ["surveys:read", "api_keys:write"]);

        await Problem.AssertAsync(await factory.ApiClient(narrow, org).PostAsync($"/api/api-keys/{fullId}/roll", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RevokeAndDelete_AreRecordedInTheAuditLog()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, _) = await Data.KeyAsync(org, owner);
        var (_, admin) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(admin, org);

        await client.PostAsync($"/api/api-keys/{id}/revoke", null);
        await client.PostAsync($"/api/api-keys/{id}/revoke", null);
        await client.DeleteAsync($"/api/api-keys/{id}");

        var events = await Data.WithDb(db => Task.FromResult(db.AuditEvents.Where(a => a.TargetId == id).OrderBy(a => a.Id).ToList()));
        Assert.Equal(["api_key.created", "api_key.revoked", "api_key.deleted"], events.Select(e => e.Type));
        Assert.All(events.Skip(1), e => Assert.NotNull(e.ActorApiKeyId));
        Assert.All(events, e => Assert.Equal(owner, e.ActorUserId));
        Assert.All(events.Skip(1), e => Assert.Equal("127.0.0.1", e.Ip));
    }
}

public sealed class ApiKeysApiTestsOnSqlite(QuestraFactory factory) : ApiKeysApiTests(factory), IClassFixture<QuestraFactory>;

public sealed class ApiKeysApiTestsOnPostgres(PostgresFactory factory) : ApiKeysApiTests(factory), IClassFixture<PostgresFactory>;
