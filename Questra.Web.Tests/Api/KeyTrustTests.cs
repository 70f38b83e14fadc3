using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>
/// No key does more, reaches further or lives longer than the person and the key that made it: lineage, reach and
/// roll, through the public API as an attacker holding a key would try them.
/// </summary>
public abstract class KeyTrustTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;
    // The app's clock to the whole second, as a client writes times (and as every database stores them): a test that
    // compares two times reads it once.
    private DateTimeOffset Now => TestClock.Cut(factory.Clock.GetUtcNow(), TimeSpan.FromSeconds(1));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Creates a key with a key, through the API; returns the new key's id, secret and JSON.</summary>
    private async Task<(string Id, string Secret, JsonElement Json)> ChildAsync(string parentSecret, string org, string body = """{"name":"child"}""")
    {
        var json = await Problem.JsonAsync(await factory.ApiClient(parentSecret, org).PostAsync("/api/api-keys", Json(body)), HttpStatusCode.Created);
        return (json.GetProperty("id").GetString()!, json.GetProperty("secret").GetString()!, json);
    }

    private async Task<HttpStatusCode> UseAsync(string secret, string org) => (await factory.ApiClient(secret, org).GetAsync("/api/api-keys")).StatusCode;

    /// <summary>Skips the app's clock ahead by <paramref name="by"/>, then runs <paramref name="check"/>.</summary>
    private async Task LaterAsync(TimeSpan by, Func<Task> check)
    {
        factory.Clock.Advance(by);
        await check();
    }

    private async Task AssertRefusedAsync(string secret, string org, string because)
    {
        var response = await factory.ApiClient(secret, org).GetAsync("/api/api-keys");
        Assert.Contains(because, await Problem.AssertAsync(response, HttpStatusCode.Unauthorized));
    }

    // ---- Lineage: expiry ----

    [Fact]
    public async Task Child_WithoutExpiry_GetsTheParentsExpiry_AndNamesItsParent()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var parentExpiry = Now.AddDays(3);
        var (parentId, parent) = await Data.KeyAsync(org, owner, expiresAt: parentExpiry);

        var (childId, _, child) = await ChildAsync(parent, org);

        Assert.Equal(parentExpiry, child.GetProperty("expires_at").GetDateTimeOffset());
        Assert.Equal(parentId, child.GetProperty("created_by_key").GetString());
        var fetched = await Problem.JsonAsync(await factory.ApiClient(parent, org).GetAsync($"/api/api-keys/{childId}"));
        Assert.Equal(parentId, fetched.GetProperty("created_by_key").GetString());
        var parentJson = await Problem.JsonAsync(await factory.ApiClient(parent, org).GetAsync($"/api/api-keys/{parentId}"));
        Assert.Equal(JsonValueKind.Null, parentJson.GetProperty("created_by_key").ValueKind);
    }

    [Fact]
    public async Task Child_OfANeverExpiringKey_WithoutExpiry_NeverExpires()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, parent) = await Data.KeyAsync(org, owner);

        var (_, _, child) = await ChildAsync(parent, org);

        Assert.Equal(JsonValueKind.Null, child.GetProperty("expires_at").ValueKind);
    }

    [Theory]
    [InlineData(1)]       // a minute after the parent
    [InlineData(525_600)] // a year after
    public async Task Child_ExpiringAfterItsParent_Is422_AndCreatesNothing(int minutesLater)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var parentExpiry = Now.AddMinutes(1);
        var (_, parent) = await Data.KeyAsync(org, owner, expiresAt: parentExpiry);

        var response = await factory.ApiClient(parent, org).PostAsync("/api/api-keys",
            Json($$"""{"name":"child","expires_at":"{{Iso(parentExpiry.AddMinutes(minutesLater))}}"}"""));

        var detail = await Problem.AssertAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("outlives", detail);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("expires_at", out _));
        Assert.Equal(1, await Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org)));
    }

    [Fact]
    public async Task Child_ExpiringBeforeItsParent_IsAccepted()
    {
        var now = Now;
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, parent) = await Data.KeyAsync(org, owner, expiresAt: now.AddDays(30));

        var (_, _, child) = await ChildAsync(parent, org, $$"""{"name":"child","expires_at":"{{Iso(now.AddDays(1))}}"}""");

        Assert.Equal(now.AddDays(1), child.GetProperty("expires_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task ChildAndGrandchild_StopWhenTheParentExpires()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, parent) = await Data.KeyAsync(org, owner, expiresAt: Now.AddMinutes(1));
        var (_, child, _) = await ChildAsync(parent, org);
        var (_, grandchild, _) = await ChildAsync(child, org);

        await LaterAsync(TimeSpan.FromMinutes(1), async () =>
        {
            await AssertRefusedAsync(child, org, "expired");
            await AssertRefusedAsync(grandchild, org, "expired");
        });
    }

    // ---- Lineage: revoke and delete ----

    [Fact]
    public async Task RevokingAKey_StopsItsChildrenAndGrandchildren_OnTheNextRequest_AndAuditsEachWithTheReason()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (rootId, root) = await Data.KeyAsync(org, owner);
        var (_, admin) = await Data.KeyAsync(org, owner, name: "admin");
        var (childId, child, _) = await ChildAsync(root, org);
        var (grandchildId, grandchild, _) = await ChildAsync(child, org);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(grandchild, org)); // cached now

        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(admin, org).PostAsync($"/api/api-keys/{rootId}/revoke", null)).StatusCode);

        await AssertRefusedAsync(child, org, "revoked");
        await AssertRefusedAsync(grandchild, org, "revoked");
        Assert.Equal(HttpStatusCode.OK, await UseAsync(admin, org));
        var events = await Data.WithDb(db => db.AuditEvents.Where(e => e.OrganizationId == org && e.Type == "api_key.revoked").ToListAsync());
        Assert.Equal([rootId, childId, grandchildId], events.OrderBy(e => e.Id).Select(e => e.TargetId));
        Assert.All(events.Where(e => e.TargetId != rootId), e => Assert.Equal(KeyLineage.ReasonAncestorRevoked,
            JsonDocument.Parse(e.Details!).RootElement.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task DeletingAKey_RevokesItsDescendants()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (rootId, root) = await Data.KeyAsync(org, owner);
        var (_, admin) = await Data.KeyAsync(org, owner, name: "admin");
        var (childId, child, _) = await ChildAsync(root, org);
        var (_, grandchild, _) = await ChildAsync(child, org);

        Assert.Equal(HttpStatusCode.NoContent, (await factory.ApiClient(admin, org).DeleteAsync($"/api/api-keys/{rootId}")).StatusCode);

        await AssertRefusedAsync(root, org, "deleted");
        await AssertRefusedAsync(child, org, "revoked");
        await AssertRefusedAsync(grandchild, org, "revoked");
        // The child is still listed (revoked), and still names its deleted parent.
        var listed = await Problem.JsonAsync(await factory.ApiClient(admin, org).GetAsync($"/api/api-keys/{childId}"));
        Assert.True(listed.GetProperty("revoked").GetBoolean());
        Assert.Equal(rootId, listed.GetProperty("created_by_key").GetString());
    }

    [Fact]
    public async Task ARevokedKey_CannotMintChildren_EvenIfItsCachedCopyWasStillValid()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (rootId, root) = await Data.KeyAsync(org, owner);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(root, org));

        // Revoked behind the service's back (as by another instance whose notice has not arrived): only the row says so.
        await Data.WithDb(db => db.ApiKeys.Where(k => k.Id == rootId).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, Now)));

        var response = await factory.ApiClient(root, org).PostAsync("/api/api-keys", Json("""{"name":"late child"}"""));

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        Assert.Equal(1, await Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org)));
    }

    [Fact]
    public async Task AChildsExpiry_FollowsTheParentsStoredExpiry_NotAStaleCachedOne()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (parentId, parent) = await Data.KeyAsync(org, owner);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(parent, org)); // cached as never expiring

        // Its expiry brought forward behind this instance's back (another instance's roll whose notice is late).
        var graceEnd = Now.AddHours(1);
        await Data.WithDb(db => db.ApiKeys.Where(k => k.Id == parentId).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, graceEnd)));

        var (_, _, child) = await ChildAsync(parent, org);
        await Problem.AssertAsync(await factory.ApiClient(parent, org).PostAsync("/api/api-keys",
            Json($$"""{"name":"later","expires_at":"{{Iso(graceEnd.AddHours(1))}}"}""")), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(graceEnd, child.GetProperty("expires_at").GetDateTimeOffset());
    }

    // ---- Roll ----

    [Fact]
    public async Task SelfRoll_KeepsTheExpiry_NeverExtendsIt()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var expiry = Now.AddDays(2);
        var (id, secret) = await Data.KeyAsync(org, owner, expiresAt: expiry);
        await LaterAsync(TimeSpan.FromDays(1), async () =>
        {
            var rolled = await Problem.JsonAsync(await factory.ApiClient(secret, org).PostAsync($"/api/api-keys/{id}/roll", null), HttpStatusCode.Created);

            Assert.Equal(expiry, rolled.GetProperty("expires_at").GetDateTimeOffset());
        });
    }

    [Fact]
    public async Task Roll_ReplacementKeepsOwnerNameScopesSurveysAndParent()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.SurveyAsync(org, owner);
        var (parentId, parent) = await Data.KeyAsync(org, owner);
        var (childId, child, _) = await ChildAsync(parent, org,
            $$"""{"name":"etl","scopes":["surveys:read","api_keys:write","api_keys:read"],"survey_ids":["{{survey}}"]}""");

        var rolled = await Problem.JsonAsync(await factory.ApiClient(child, org).PostAsync($"/api/api-keys/{childId}/roll", null), HttpStatusCode.Created);

        Assert.Equal("etl", rolled.GetProperty("name").GetString());
        Assert.Equal(owner, rolled.GetProperty("created_by").GetString());
        Assert.Equal(parentId, rolled.GetProperty("created_by_key").GetString());
        Assert.Equal(["api_keys:read", "api_keys:write", "surveys:read"], rolled.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).Order());
        Assert.Equal([survey], rolled.GetProperty("survey_ids").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task ChildrenOfARolledParent_MoveToTheReplacement_AndKeepWorkingAfterTheGracePeriod()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (parentId, parent) = await Data.KeyAsync(org, owner);
        var (childId, child, _) = await ChildAsync(parent, org);
        var (_, grandchild, _) = await ChildAsync(child, org);

        var rolled = await Problem.JsonAsync(await factory.ApiClient(parent, org).PostAsync($"/api/api-keys/{parentId}/roll",
            Json("""{"grace_period_hours":1}""")), HttpStatusCode.Created);
        var replacementId = rolled.GetProperty("id").GetString()!;
        await LaterAsync(TimeSpan.FromHours(2), async () =>
        {
            await AssertRefusedAsync(parent, org, "expired");
            Assert.Equal(HttpStatusCode.OK, await UseAsync(child, org));
            Assert.Equal(HttpStatusCode.OK, await UseAsync(grandchild, org));
            var childJson = await Problem.JsonAsync(await factory.ApiClient(child, org).GetAsync($"/api/api-keys/{childId}"));
            Assert.Equal(replacementId, childJson.GetProperty("created_by_key").GetString());

            // …and now the replacement's revocation reaches them.
            var secret = rolled.GetProperty("secret").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(secret, org).PostAsync($"/api/api-keys/{replacementId}/revoke", null)).StatusCode);
            await AssertRefusedAsync(child, org, "revoked");
            await AssertRefusedAsync(grandchild, org, "revoked");
        });
    }

    [Fact]
    public async Task SecondRoll_Is409_SayingItWasRolled()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/api-keys/{id}/roll", null)).StatusCode);
        var detail = await Problem.AssertAsync(await client.PostAsync($"/api/api-keys/{id}/roll", null), HttpStatusCode.Conflict);

        Assert.Contains("already rolled", detail);
        Assert.Equal(2, await Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org)));
    }

    [Fact]
    public async Task RollingARevokedOrExpiredKey_Is409_SayingWhich()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (revokedId, _) = await Data.KeyAsync(org, owner);
        var (expiredId, _) = await Data.KeyAsync(org, owner, expiresAt: Now.AddMinutes(5));
        var (_, admin) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(admin, org);
        await client.PostAsync($"/api/api-keys/{revokedId}/revoke", null);
        await LaterAsync(TimeSpan.FromMinutes(10), async () =>
        {
            Assert.Contains("revoked", await Problem.AssertAsync(await client.PostAsync($"/api/api-keys/{revokedId}/roll", null), HttpStatusCode.Conflict));
            Assert.Contains("expired", await Problem.AssertAsync(await client.PostAsync($"/api/api-keys/{expiredId}/roll", null), HttpStatusCode.Conflict));
        });
        Assert.Equal(3, await Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org)));
    }

    [Fact]
    public async Task AdminRollingAnotherPersonsKey_Is403_SayingToRevokeInstead_ThroughTheApiAndTheService()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var admin = await Data.UserAsync();
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        var (ownersKey, ownersSecret) = await Data.KeyAsync(org, owner);
        var (_, adminsSecret) = await Data.KeyAsync(org, admin);

        var detail = await Problem.AssertAsync(
            await factory.ApiClient(adminsSecret, org).PostAsync($"/api/api-keys/{ownersKey}/roll", null), HttpStatusCode.Forbidden);
        var dashboard = await Data.WithService<ApiKeyService, ServiceResult<CreatedApiKey>>(s =>
            s.RollAsync(org, new Caller(admin, null), ownersKey, new RollOptions(24)));

        Assert.Contains("Revoke", detail);
        Assert.Equal(ErrorKind.Forbidden, dashboard.Error?.Kind);
        Assert.Equal(2, await Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org)));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(ownersSecret, org));
        // The admin can still stop the key.
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(adminsSecret, org).PostAsync($"/api/api-keys/{ownersKey}/revoke", null)).StatusCode);
    }

    [Fact]
    public async Task AChild_CannotRollItsLongerLivedParent_ToGetALongerLivedSecret()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (parentId, parent) = await Data.KeyAsync(org, owner);
        var (_, child, _) = await ChildAsync(parent, org, $$"""{"name":"short","expires_at":"{{Iso(Now.AddMinutes(5))}}"}""");

        await Problem.AssertAsync(await factory.ApiClient(child, org).PostAsync($"/api/api-keys/{parentId}/roll", null), HttpStatusCode.Forbidden);

        Assert.Equal(2, await Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org)));
    }

    [Fact]
    public async Task AKeyRollingAnother_IsJudgedByItsStoredExpiry_NotAStaleCachedOne()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (callerId, caller) = await Data.KeyAsync(org, owner, name: "caller");
        var (targetId, _) = await Data.KeyAsync(org, owner, name: "never expires");
        Assert.Equal(HttpStatusCode.OK, await UseAsync(caller, org)); // cached as never expiring

        // The caller's expiry brought forward behind this instance's back (another instance's roll whose notice is late).
        await Data.WithDb(db => db.ApiKeys.Where(k => k.Id == callerId).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, Now.AddHours(1))));

        await Problem.AssertAsync(await factory.ApiClient(caller, org).PostAsync($"/api/api-keys/{targetId}/roll", null), HttpStatusCode.Forbidden);
        Assert.Equal(2, await Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org)));
    }

    [Fact]
    public async Task DashboardRoll_MayPickANewExpiry_WithinTheParents_AndShorteningItReachesTheChildren()
    {
        var now = Now;
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, root) = await Data.KeyAsync(org, owner, expiresAt: now.AddDays(60));
        var (midId, mid, _) = await ChildAsync(root, org);
        var (leafId, _, _) = await ChildAsync(mid, org);
        var me = new Caller(owner, null);

        var tooLate = await Data.WithService<ApiKeyService, ServiceResult<CreatedApiKey>>(s =>
            s.RollAsync(org, me, midId, new RollOptions(0, new ExpiryChange(now.AddDays(90)))));
        var never = await Data.WithService<ApiKeyService, ServiceResult<CreatedApiKey>>(s =>
            s.RollAsync(org, me, midId, new RollOptions(0, new ExpiryChange(null))));
        var shorter = await Data.WithService<ApiKeyService, ServiceResult<CreatedApiKey>>(s =>
            s.RollAsync(org, me, midId, new RollOptions(0, new ExpiryChange(now.AddDays(7)))));

        Assert.Equal(ErrorKind.Validation, tooLate.Error?.Kind);
        Assert.Equal(ErrorKind.Validation, never.Error?.Kind);
        Assert.True(shorter.Succeeded, shorter.Error?.Message);
        Assert.Equal(now.AddDays(7), shorter.Value!.Key.ExpiresAt);
        var leaf = await Data.WithDb(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == leafId));
        Assert.Equal(now.AddDays(7), leaf.ExpiresAt);
        Assert.Equal(shorter.Value.Key.Id, leaf.ParentKeyId);
    }

    // ---- Reach ----

    [Fact]
    public async Task ANarrowKey_CannotSeeOrManageABroaderKey_404_AndItIsLeftOutOfItsList()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (one, two) = (await Data.SurveyAsync(org, owner), await Data.SurveyAsync(org, owner));
        var (fullId, full) = await Data.KeyAsync(org, owner, name: "full");
        var (otherSurveyId, _) = await Data.KeyAsync(org, owner, surveyIds: [two], name: "survey two");
        var (fewerScopesId, _) = await Data.KeyAsync(org, owner, scopes: ["surveys:read"], surveyIds: [one], name: "inside");
        var (narrowId, narrow) = await Data.KeyAsync(org, owner, scopes: ["surveys:read", "api_keys:read", "api_keys:write"], surveyIds: [one], name: "narrow");
        var client = factory.ApiClient(narrow, org);

        foreach (var outside in new[] { fullId, otherSurveyId })
        {
            await Problem.AssertAsync(await client.GetAsync($"/api/api-keys/{outside}"), HttpStatusCode.NotFound);
            await Problem.AssertAsync(await client.PostAsync($"/api/api-keys/{outside}/revoke", null), HttpStatusCode.NotFound);
            await Problem.AssertAsync(await client.PostAsync($"/api/api-keys/{outside}/roll", null), HttpStatusCode.NotFound);
            await Problem.AssertAsync(await client.DeleteAsync($"/api/api-keys/{outside}"), HttpStatusCode.NotFound);
        }
        var list = await Problem.JsonAsync(await client.GetAsync("/api/api-keys"));

        Assert.Equal(HttpStatusCode.OK, await UseAsync(full, org));
        Assert.Equal(2, list.GetProperty("total").GetInt32());
        Assert.Equal(new[] { fewerScopesId, narrowId }.Order(), list.GetProperty("data").EnumerateArray().Select(k => k.GetProperty("id").GetString()!).Order());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/api-keys/{fewerScopesId}")).StatusCode);
        Assert.Equal(4, await Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org && k.RevokedAt == null)));
    }

    [Fact]
    public async Task AKeyWithFewerScopes_ButAllSurveys_ListsOnlyKeysWithinItsScopes()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        await Data.KeyAsync(org, owner, name: "full");
        var (dataId, _) = await Data.KeyAsync(org, owner, scopes: ["surveys:read", "api_keys:read"], name: "within");
        var (readerId, reader) = await Data.KeyAsync(org, owner, scopes: ["surveys:read", "responses:read", "api_keys:read"], name: "reader");

        var page1 = await Problem.JsonAsync(await factory.ApiClient(reader, org).GetAsync("/api/api-keys?page_size=1"));
        var page2 = await Problem.JsonAsync(await factory.ApiClient(reader, org).GetAsync("/api/api-keys?page_size=1&page=2"));

        Assert.Equal(2, page1.GetProperty("total").GetInt32());
        Assert.Equal(new[] { dataId, readerId }.Order(),
            new[] { page1, page2 }.Select(p => p.GetProperty("data")[0].GetProperty("id").GetString()!).Order());
    }

    // ---- Removal ----

    [Fact]
    public async Task RemovingAMember_RevokesTheirKeysAndDescendants_ForGood_WithAuditEvents()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var admin = await Data.UserAsync();
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        var (keyId, key) = await Data.KeyAsync(org, admin);
        var (childId, child, _) = await ChildAsync(key, org);
        var (_, ownersKey) = await Data.KeyAsync(org, owner);

        await Data.RemoveMemberAsync(org, admin);
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);

        await AssertRefusedAsync(key, org, "revoked");
        await AssertRefusedAsync(child, org, "revoked");
        Assert.Equal(HttpStatusCode.OK, await UseAsync(ownersKey, org));
        var reasons = await Data.WithDb(db => db.AuditEvents.Where(e => e.Type == "api_key.revoked" && (e.TargetId == keyId || e.TargetId == childId))
            .Select(e => e.Details!).ToListAsync());
        Assert.Equal(2, reasons.Count);
        Assert.All(reasons, d => Assert.Equal(KeyLineage.ReasonOwnerRemoved, JsonDocument.Parse(d).RootElement.GetProperty("reason").GetString()));
    }

    // ---- Input and answers ----

    [Theory]
    [InlineData("evil\u202Egpj.exe")] // right-to-left override
    [InlineData("a\u202Ab")]
    [InlineData("a\u2066b")]          // isolates
    [InlineData("a\u2069b")]
    [InlineData("a\u200Bb")]          // zero-width space, non-joiner, joiner
    [InlineData("a\u200Cb")]
    [InlineData("a\u200Db")]
    [InlineData("a\u2060b")]          // word joiner
    [InlineData("\uFEFFname")]        // BOM / zero-width no-break space
    [InlineData("line\nbreak")]       // control characters
    [InlineData("tab\there")]
    [InlineData("a\u0000b")]
    [InlineData("a\u2028b")]          // line separator
    public async Task Names_WithDisguisingCharacters_Are422(string name)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);

        var response = await factory.ApiClient(secret, org).PostAsync("/api/api-keys", Json(JsonSerializer.Serialize(new { name })));

        await Problem.AssertAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("name", out _));
        Assert.Equal(1, await Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org)));
    }

    [Theory]
    [InlineData("Café ☕ 🚀 reports")]
    [InlineData("تقارير")]
    [InlineData("Q3 \"board\" deck; scopes: all")]
    public async Task Names_InPlainTextOfAnyScript_AreAccepted_AndAuditedAsJson(string name)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);

        var (id, _, created) = await ChildAsync(secret, org, JsonSerializer.Serialize(new { name }));

        Assert.Equal(name, created.GetProperty("name").GetString());
        var details = await Data.WithDb(db => db.AuditEvents.Where(e => e.TargetId == id && e.Type == "api_key.created").Select(e => e.Details!).SingleAsync());
        Assert.Equal(name, JsonDocument.Parse(details).RootElement.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{"name":"a","name":"b"}""")]
    [InlineData("""{"name":"a","scopes":["surveys:read"],"scopes":["surveys:read","api_keys:write"]}""")]
    [InlineData("""{"Name":"a"}""")]
    [InlineData("""{"NAME":"a"}""")]
    [InlineData("""{"name":"a","Expires_At":"2030-01-01T00:00:00Z"}""")]
    [InlineData("""{"name":"a","expiresAt":"2030-01-01T00:00:00Z"}""")]
    public async Task Bodies_WithARepeatedOrMiscasedProperty_Are400(string body)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        await Problem.AssertAsync(await client.PostAsync("/api/api-keys", Json(body)), HttpStatusCode.BadRequest);
        await Problem.AssertAsync(await client.PostAsync($"/api/api-keys/{id}/roll",
            Json("""{"grace_period_hours":1,"grace_period_hours":0}""")), HttpStatusCode.BadRequest);

        Assert.Equal(1, await Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org)));
    }

    [Fact]
    public async Task EveryApiAnswer_IsNoStore()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.SurveyAsync(org, owner);
        var (id, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        var anonymous = factory.CreateClient();

        var answers = new List<HttpResponseMessage>
        {
            await client.GetAsync("/api/surveys"),
            await client.GetAsync($"/api/surveys/{survey}"),
            await client.GetAsync($"/api/surveys/{survey}/metrics/responses"),
            await client.GetAsync("/api/surveys/sv_nope"),
            await client.GetAsync("/api/api-keys"),
            await client.GetAsync($"/api/api-keys/{id}"),
            await client.PostAsync("/api/api-keys", Json("""{"name":"x"}""")),   // 201 with a secret
            await client.PostAsync("/api/api-keys", Json("""{"name":""}""")),    // 422
            await client.PostAsync("/api/api-keys", Json("""{"name":1}""")),     // 400
            await client.GetAsync("/api/nothing-here"),
            await factory.ApiClient(secret, null).GetAsync("/api/surveys"),       // 400, no X-Org-Id
            await anonymous.GetAsync("/api/surveys"),                           // 401
            await factory.ApiClient("sk_live_" + new string('a', 46), org).GetAsync("/api/surveys"), // 401, bad checksum
            await client.PostAsync($"/api/api-keys/{id}/roll", null),            // 201 with a secret
            await client.PostAsync($"/api/api-keys/{id}/roll", null),            // 409
            await anonymous.GetAsync("/api/openapi/v1.json"),
        };

        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Unauthorized);
        Assert.All(answers, a => Assert.True(a.Headers.CacheControl?.NoStore == true, $"{a.RequestMessage!.RequestUri} ({(int)a.StatusCode}) lacks no-store"));
    }
}

public sealed class KeyTrustTestsOnSqlite(QuestraFactory factory) : KeyTrustTests(factory), IClassFixture<QuestraFactory>;

public sealed class KeyTrustTestsOnPostgres(PostgresFactory factory) : KeyTrustTests(factory), IClassFixture<PostgresFactory>;
