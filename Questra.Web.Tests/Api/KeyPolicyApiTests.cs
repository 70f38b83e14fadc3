using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Audit;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>Address restrictions, learn mode, the organization's key policy and the hygiene filters, through the API.</summary>
public abstract class KeyPolicyApiTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private Task FlushAsync() => factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();

    private static Caller Dashboard(string userId) => new(userId, "127.0.0.1");

    private Task<int> KeyCountAsync(string org) => Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org));

    private async Task SetPolicyAsync(string org, string owner, string[]? ips = null, int? maxDays = null, bool mustExpire = false)
    {
        var result = await Data.WithService<ApiKeyService, ServiceResult<OrgKeyPolicy>>(s =>
            s.SetPolicyAsync(org, Dashboard(owner), new KeyPolicyInput(ips ?? [], maxDays, mustExpire)));
        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public async Task KeyWithAList_WorksFromInside_AndIsRefusedFromOutside_NamingTheAddressNotTheList()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, admin) = await Data.KeyAsync(org, owner);
        var created = await Problem.JsonAsync(await factory.ApiClient(admin, org).PostAsync("/api/api-keys",
            Json("""{"name":"office only","allowed_ips":["203.0.113.77/24"," 2001:db8::/48"]}""")), HttpStatusCode.Created);
        Assert.Equal(["203.0.113.0/24", "2001:db8::/48"], created.GetProperty("allowed_ips").EnumerateArray().Select(e => e.GetString()));
        var secret = created.GetProperty("secret").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClientFrom("203.0.113.9", secret, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClientFrom("::ffff:203.0.113.10", secret, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClientFrom("2001:db8:0:1::5", secret, org).GetAsync("/api/surveys")).StatusCode);
        var refused = await factory.ApiClientFrom("198.51.100.7", secret, org).GetAsync("/api/surveys");
        var detail = await Problem.AssertAsync(refused, HttpStatusCode.Forbidden);

        Assert.Contains("198.51.100.7", detail);
        Assert.DoesNotContain("203.0.113", detail);
        Assert.DoesNotContain("2001:db8", detail);
    }

    [Theory]
    [InlineData("""["10.0.0.0/33"]""", "prefix length")]
    [InlineData("""["0.0.0.0/0"]""", "every address")]
    [InlineData("""["not-an-address"]""", "not an IPv4 or IPv6")]
    [InlineData("""["::/0"]""", "every address")]
    public async Task BadLists_Are422NamingTheField_AndSaveNothing(string list, string reason)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, admin) = await Data.KeyAsync(org, owner, allowedIps: ["192.0.2.0/24"]);
        var client = factory.ApiClientFrom("192.0.2.1", admin, org);
        var before = await KeyCountAsync(org);

        var create = await client.PostAsync("/api/api-keys", Json($$"""{"name":"x","allowed_ips":{{list}}}"""));
        var edit = await client.PutAsync($"/api/api-keys/{id}/allowed-ips", Json($$"""{"allowed_ips":{{list}}}"""));

        foreach (var response in new[] { create, edit })
        {
            var body = await Problem.JsonAsync(response, HttpStatusCode.UnprocessableEntity);
            Assert.Contains(reason, body.GetProperty("errors").GetProperty("allowed_ips")[0].GetString());
        }
        Assert.Equal(before, await KeyCountAsync(org));
        Assert.Equal("192.0.2.0/24", await Data.WithDb(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.AllowedIps).SingleAsync()));
    }

    [Fact]
    public async Task FiftyOneEntries_AreRefused()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, admin) = await Data.KeyAsync(org, owner);
        var entries = string.Join(",", Enumerable.Range(1, 51).Select(i => $"\"192.0.2.{i}\""));

        var body = await Problem.JsonAsync(await factory.ApiClient(admin, org).PostAsync("/api/api-keys",
            Json($$"""{"name":"x","allowed_ips":[{{entries}}]}""")), HttpStatusCode.UnprocessableEntity);

        Assert.Contains("At most 50", body.GetProperty("errors").GetProperty("allowed_ips")[0].GetString());
    }

    [Fact]
    public async Task ChildKey_MayNarrowItsParentsList_NeverWidenIt_AndAnEmptyListMeansTheParents()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, parent) = await Data.KeyAsync(org, owner, allowedIps: ["10.0.0.0/8"]);
        var client = factory.ApiClientFrom("10.1.2.3", parent, org);
        var before = await KeyCountAsync(org);

        var wider = await client.PostAsync("/api/api-keys", Json("""{"name":"wider","allowed_ips":["10.0.0.0/8","192.0.2.1"]}"""));
        var detail = await Problem.AssertAsync(wider, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("calling key's allowed addresses", detail);
        Assert.Equal(before, await KeyCountAsync(org));

        var narrower = await Problem.JsonAsync(await client.PostAsync("/api/api-keys", Json("""{"name":"narrow","allowed_ips":["10.1.0.0/16"]}""")), HttpStatusCode.Created);
        var inheriting = await Problem.JsonAsync(await client.PostAsync("/api/api-keys", Json("""{"name":"same"}""")), HttpStatusCode.Created);
        var narrowSecret = narrower.GetProperty("secret").GetString()!;
        var sameSecret = inheriting.GetProperty("secret").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClientFrom("10.1.9.9", narrowSecret, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ApiClientFrom("10.2.0.1", narrowSecret, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Empty(inheriting.GetProperty("allowed_ips").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClientFrom("10.200.0.1", sameSecret, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ApiClientFrom("192.0.2.1", sameSecret, org).GetAsync("/api/surveys")).StatusCode);

        // Widening a child afterwards is refused just the same.
        var widenLater = await client.PutAsync($"/api/api-keys/{narrower.GetProperty("id").GetString()}/allowed-ips", Json("""{"allowed_ips":["192.0.2.0/24"]}"""));
        await Problem.AssertAsync(widenLater, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task NarrowingAParentLater_BindsItsChildren_AtOnce_EvenCached()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (parentId, parent) = await Data.KeyAsync(org, owner, allowedIps: ["10.0.0.0/8"]);
        var child = (await Problem.JsonAsync(await factory.ApiClientFrom("10.1.2.3", parent, org).PostAsync("/api/api-keys",
            Json("""{"name":"child","allowed_ips":["10.5.0.0/16"]}""")), HttpStatusCode.Created)).GetProperty("secret").GetString()!;
        var childClient = factory.ApiClientFrom("10.5.0.1", child, org);
        Assert.Equal(HttpStatusCode.OK, (await childClient.GetAsync("/api/surveys")).StatusCode); // now cached

        var narrowed = await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s =>
            s.SetAllowedAddressesAsync(org, Dashboard(owner), parentId, ["10.9.0.0/16"]));
        Assert.True(narrowed.Succeeded, narrowed.Error?.Message);

        Assert.Equal(HttpStatusCode.Forbidden, (await childClient.GetAsync("/api/surveys")).StatusCode);
    }

    [Fact]
    public async Task CachedKey_IsRefused_OnTheVeryNextRequest_AfterItsListChanges()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, secret) = await Data.KeyAsync(org, owner);
        var (_, admin) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClientFrom("198.51.100.20", secret, org);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);

        var edited = await Problem.JsonAsync(await factory.ApiClient(admin, org).PutAsync($"/api/api-keys/{id}/allowed-ips",
            Json("""{"allowed_ips":["203.0.113.0/24"]}""")));
        Assert.Equal(["203.0.113.0/24"], edited.GetProperty("allowed_ips").EnumerateArray().Select(e => e.GetString()));

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClientFrom("203.0.113.1", secret, org).GetAsync("/api/surveys")).StatusCode);

        var events = await Data.WithDb(db => db.AuditEvents.Where(e => e.TargetId == id && e.Type == AuditEventTypes.ApiKeyAddressesChanged).ToListAsync());
        var details = Assert.Single(events).Details!;
        Assert.Contains("\"before\":[]", details);
        Assert.Contains("\"after\":[\"203.0.113.0/24\"]", details);
    }

    [Fact]
    public async Task RestrictedKey_CannotLiftOrWidenAnotherKeysList_NorReachAnUnrestrictedKey()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (openId, _) = await Data.KeyAsync(org, owner);
        var (siblingId, _) = await Data.KeyAsync(org, owner, allowedIps: ["10.1.0.0/16"]);
        var (_, restricted) = await Data.KeyAsync(org, owner, allowedIps: ["10.0.0.0/8"]);
        var client = factory.ApiClientFrom("10.1.1.1", restricted, org);

        await Problem.AssertAsync(await client.PutAsync($"/api/api-keys/{siblingId}/allowed-ips", Json("""{"allowed_ips":[]}""")), HttpStatusCode.UnprocessableEntity);
        await Problem.AssertAsync(await client.PutAsync($"/api/api-keys/{siblingId}/allowed-ips", Json("""{"allowed_ips":["192.0.2.0/24"]}""")), HttpStatusCode.UnprocessableEntity);
        // An unrestricted key is outside its reach: rolling it would hand out a secret usable from anywhere.
        await Problem.AssertAsync(await client.PostAsync($"/api/api-keys/{openId}/roll", null), HttpStatusCode.NotFound);
        var listed = await Problem.JsonAsync(await client.GetAsync("/api/api-keys?page_size=100"));
        Assert.DoesNotContain(openId, listed.GetProperty("data").EnumerateArray().Select(k => k.GetProperty("id").GetString()));
        Assert.Contains(siblingId, listed.GetProperty("data").EnumerateArray().Select(k => k.GetProperty("id").GetString()));

        var narrowed = await Problem.JsonAsync(await client.PutAsync($"/api/api-keys/{siblingId}/allowed-ips", Json("""{"allowed_ips":["10.1.2.0/24"]}""")));
        Assert.Equal(["10.1.2.0/24"], narrowed.GetProperty("allowed_ips").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task RolledKey_KeepsItsList()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, secret) = await Data.KeyAsync(org, owner, allowedIps: ["192.0.2.0/24"]);

        var rolled = await Problem.JsonAsync(await factory.ApiClientFrom("192.0.2.5", secret, org).PostAsync($"/api/api-keys/{id}/roll", null), HttpStatusCode.Created);
        var replacement = rolled.GetProperty("secret").GetString()!;

        Assert.Equal(["192.0.2.0/24"], rolled.GetProperty("allowed_ips").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ApiClientFrom("198.51.100.1", replacement, org).GetAsync("/api/surveys")).StatusCode);
    }

    [Fact]
    public async Task RefusedAddresses_CountAsErrors_NotAsUse_AndAreAuditedOncePerKeyAddressAndHour_WithTheHoursTotal()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, secret) = await Data.KeyAsync(org, owner, allowedIps: ["192.0.2.0/24"]);
        var scanner = factory.ApiClientFrom("198.51.100.66", secret, org);

        for (var i = 0; i < 7; i++) Assert.Equal(HttpStatusCode.Forbidden, (await scanner.GetAsync("/api/surveys")).StatusCode);
        await FlushAsync();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Forbidden, (await scanner.GetAsync("/api/surveys")).StatusCode);
        await factory.ApiClientFrom("198.51.100.67", secret, org).GetAsync("/api/surveys");
        await FlushAsync();

        var events = await Data.WithDb(db => db.AuditEvents.Where(e => e.TargetId == id && e.Type == AuditEventTypes.ApiKeyAddressRefused).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(["198.51.100.66", "198.51.100.67"], events.Select(e => e.Ip)); // one each, however many refusals
        Assert.Contains("\"requests\":7", events[0].Details);
        Assert.All(events, e => Assert.Equal(id, e.ActorApiKeyId));
        var usage = await Data.WithDb(db => db.ApiKeyUsage.Where(u => u.ApiKeyId == id).ToListAsync());
        Assert.Equal(11, usage.Where(u => u.Endpoint.EndsWith(UsageRecorder.ClientErrorSuffix, StringComparison.Ordinal)).Sum(u => u.Count));
        Assert.Contains("198.51.100.66", await Data.WithDb(db => db.ApiKeyFailures.Where(f => f.ApiKeyId == id).Select(f => f.Reason).FirstAsync()));
        // Tried only from outside its list: never used, as far as the hygiene view is concerned.
        var key = await Data.WithDb(db => db.ApiKeys.SingleAsync(k => k.Id == id));
        Assert.Null(key.LastUsedAt);
        Assert.True(key.SecretUnconfirmed);

        // When the hour closes (here: the app stops), the address refused again since gets its total.
        await factory.Services.GetRequiredService<UsageRecorder>().FlushClosingAsync();
        var closing = await Data.WithDb(db => db.AuditEvents.Where(e => e.TargetId == id && e.Type == AuditEventTypes.ApiKeyAddressRefused).OrderBy(e => e.Id).Skip(2).ToListAsync());
        var total = Assert.Single(closing);
        Assert.Equal("198.51.100.66", total.Ip);
        Assert.Contains("\"requests\":10", total.Details);
        Assert.Contains("\"hour_total\":true", total.Details);
    }

    [Fact]
    public async Task KeyChains_StopAtTenLevels_AndAStoredChainDeeperThanTheCheckWalksAllowsNoAddress()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (rootId, secret) = await Data.KeyAsync(org, owner, allowedIps: ["10.0.0.0/8"]);
        for (var level = 1; level < KeyLineage.MaxDepth; level++)
        {
            secret = (await Problem.JsonAsync(await factory.ApiClientFrom("10.1.2.3", secret, org).PostAsync("/api/api-keys",
                Json($$"""{"name":"level {{level}}"}""")), HttpStatusCode.Created)).GetProperty("secret").GetString()!;
        }
        var tooDeep = await factory.ApiClientFrom("10.1.2.3", secret, org).PostAsync("/api/api-keys", Json("""{"name":"too deep"}"""));
        Assert.Contains("levels deep", await Problem.AssertAsync(tooDeep, HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ApiClientFrom("198.51.100.7", secret, org).GetAsync("/api/surveys")).StatusCode);

        // A chain longer than the checks walk (made before the limit, or by hand): its bottom key works from nowhere.
        var parent = rootId;
        string bottom = "";
        await Data.WithDb(async db =>
        {
            for (var i = 0; i < KeyLineage.MaxWalk + 2; i++)
            {
                var made = ApiKeyInputRules.NewKey(org, owner, $"deep {i}", ApiScopes.DataAccess, null, factory.Clock.GetUtcNow(), null, parent);
                db.ApiKeys.Add(made.Key);
                (parent, bottom) = (made.Key.Id, made.Secret);
            }
            await db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ApiClientFrom("10.1.2.3", bottom, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ApiClientFrom("198.51.100.7", bottom, org).GetAsync("/api/surveys")).StatusCode);
    }

    [Fact]
    public async Task RolledOrRevokedKeys_ListsCannotBeChanged_TheReplacementCarriesIt()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, secret) = await Data.KeyAsync(org, owner, allowedIps: ["192.0.2.0/24"]);
        var (_, admin) = await Data.KeyAsync(org, owner);
        var rolled = await Problem.JsonAsync(await factory.ApiClientFrom("192.0.2.1", secret, org).PostAsync($"/api/api-keys/{id}/roll", null), HttpStatusCode.Created);
        var replacement = rolled.GetProperty("id").GetString()!;

        var edit = await factory.ApiClient(admin, org).PutAsync($"/api/api-keys/{id}/allowed-ips", Json("""{"allowed_ips":["192.0.2.1"]}"""));
        Assert.Contains(replacement, await Problem.AssertAsync(edit, HttpStatusCode.Conflict));
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(admin, org).PutAsync($"/api/api-keys/{replacement}/allowed-ips", Json("""{"allowed_ips":["192.0.2.1"]}"""))).StatusCode);
    }

    [Fact]
    public async Task MembersKeys_LearnThatThereIsAnOrganizationList_NotItsEntries()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var member = await Data.UserAsync();
        await Data.AddMemberAsync(org, member, Questra.Web.Features.Organizations.OrgRole.Member);
        await SetPolicyAsync(org, owner, ips: ["10.20.0.0/16"]);
        await Data.WithDb(db => db.Organizations.Where(o => o.Id == org)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.ApiKeyCreation, Questra.Web.Features.Organizations.ApiKeyCreationPolicy.AllMembers)));
        var (_, memberKey) = await Data.KeyAsync(org, member, scopes: ["api_keys:read"]);
        var (_, ownerKey) = await Data.KeyAsync(org, owner, scopes: ["api_keys:read"]);

        var seenByMember = await Problem.JsonAsync(await factory.ApiClientFrom("10.20.1.1", memberKey, org).GetAsync("/api/organization/key-policy"));
        var seenByOwner = await Problem.JsonAsync(await factory.ApiClientFrom("10.20.1.1", ownerKey, org).GetAsync("/api/organization/key-policy"));

        Assert.Equal(JsonValueKind.Null, seenByMember.GetProperty("allowed_ips").ValueKind);
        Assert.True(seenByMember.GetProperty("address_restricted").GetBoolean());
        Assert.Equal(["10.20.0.0/16"], seenByOwner.GetProperty("allowed_ips").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ABlockedKeysReason_IsToldOnlyWhereTheKeyMayBeUsed()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, secret) = await Data.KeyAsync(org, owner, allowedIps: ["192.0.2.0/24"]);
        await Data.WithDb(db => db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.CreatedAt, factory.Clock.GetUtcNow().AddDays(-100))));
        await SetPolicyAsync(org, owner, maxDays: 30);

        var inside = await Problem.AssertAsync(await factory.ApiClientFrom("192.0.2.9", secret, org).GetAsync("/api/surveys"), HttpStatusCode.Unauthorized);
        var outside = await Problem.AssertAsync(await factory.ApiClientFrom("198.51.100.9", secret, org).GetAsync("/api/surveys"), HttpStatusCode.Unauthorized);

        Assert.Contains("at most 30 days", inside);
        Assert.Equal(KeyAuthentication.BlockedWithoutDetail, outside);
    }

    [Fact]
    public async Task LearnMode_RemembersWhereAKeyWasUsed_WithCountsAndTimes_NeverWritingPerRequest()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, secret) = await Data.KeyAsync(org, owner);

        for (var i = 0; i < 3; i++) await factory.ApiClientFrom("203.0.113.5", secret, org).GetAsync("/api/surveys");
        await factory.ApiClientFrom("::ffff:198.51.100.9", secret, org).GetAsync("/api/surveys");
        Assert.Equal(0, await Data.WithDb(db => db.ApiKeyAddresses.CountAsync(a => a.ApiKeyId == id))); // only the flush writes
        await FlushAsync();
        await factory.ApiClientFrom("203.0.113.5", secret, org).GetAsync("/api/surveys");
        await FlushAsync();

        var seen = await Data.WithService<ApiKeyService, ServiceResult<IReadOnlyList<ApiKeyAddress>>>(s => s.RecentAddressesAsync(org, Dashboard(owner), id));
        Assert.Equal(["203.0.113.5", "198.51.100.9"], seen.Value!.Select(a => a.Address));
        Assert.Equal([4L, 1L], seen.Value!.Select(a => a.Count));
        Assert.True(seen.Value![0].LastSeenAt > seen.Value[0].FirstSeenAt);
    }

    [Fact]
    public async Task OrganizationList_BindsEveryKey()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);
        var (_, ownList) = await Data.KeyAsync(org, owner, allowedIps: ["192.0.2.0/24", "198.51.100.0/24"]);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClientFrom("198.51.100.1", secret, org).GetAsync("/api/surveys")).StatusCode);

        await SetPolicyAsync(org, owner, ips: ["192.0.2.0/24"]);

        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ApiClientFrom("198.51.100.1", secret, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClientFrom("192.0.2.1", secret, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ApiClientFrom("198.51.100.1", ownList, org).GetAsync("/api/surveys")).StatusCode);
        var policy = await Problem.JsonAsync(await factory.ApiClientFrom("192.0.2.1", secret, org).GetAsync("/api/organization/key-policy"));
        Assert.Equal(["192.0.2.0/24"], policy.GetProperty("allowed_ips").EnumerateArray().Select(e => e.GetString()));
        // A key's own list outside the organization's is refused as pointless.
        var outside = await factory.ApiClientFrom("192.0.2.1", secret, org).PostAsync("/api/api-keys", Json("""{"name":"x","allowed_ips":["203.0.113.0/24"]}"""));
        Assert.Contains("organization's allowed addresses", await Problem.AssertAsync(outside, HttpStatusCode.UnprocessableEntity));
    }

    [Fact]
    public async Task Lifetime_NewKeysOverTheLimitAre422_ExistingOnesAreBlockedNotRevoked_AndComeBackWhenItIsLifted()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var now = factory.Clock.GetUtcNow();
        var (oldId, oldKey) = await Data.KeyAsync(org, owner, name: "old");
        await Data.WithDb(db => db.ApiKeys.Where(k => k.Id == oldId).ExecuteUpdateAsync(s => s.SetProperty(k => k.CreatedAt, now.AddDays(-100))));
        var (_, admin) = await Data.KeyAsync(org, owner, expiresAt: now.AddDays(200));
        var oldClient = factory.ApiClient(oldKey, org);
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("/api/surveys")).StatusCode); // cached

        await SetPolicyAsync(org, owner, maxDays: 90);

        var refused = await oldClient.GetAsync("/api/surveys");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("blocked by the organization's policy", refused.Headers.WwwAuthenticate.ToString());
        Assert.Contains("at most 90 days", await Problem.AssertAsync(refused, HttpStatusCode.Unauthorized));
        var client = factory.ApiClient(admin, org);
        var listed = await Problem.JsonAsync(await client.GetAsync($"/api/api-keys/{oldId}"));
        Assert.True(listed.GetProperty("blocked_by_policy").GetBoolean());
        Assert.False(listed.GetProperty("revoked").GetBoolean());

        // Left out, the child's expiry would be the calling key's (200 days): over the limit, so refused, naming it.
        var inherited = await client.PostAsync("/api/api-keys", Json("""{"name":"inherits 200 days"}"""));
        Assert.Contains("at most 90 days", (await Problem.JsonAsync(inherited, HttpStatusCode.UnprocessableEntity)).GetProperty("errors").GetProperty("expires_at")[0].GetString());
        var within = await client.PostAsync("/api/api-keys", Json($$"""{"name":"x","expires_at":"{{now.AddDays(89):yyyy-MM-ddTHH:mm:ssZ}}"}"""));
        Assert.Equal(HttpStatusCode.Created, within.StatusCode);
        var tooLong = await Data.WithService<ApiKeyService, ServiceResult<CreatedApiKey>>(s =>
            s.CreateAsync(org, Dashboard(owner), new ApiKeyInput("x", now.AddDays(91), null, null)));
        Assert.Contains("at most 90 days", tooLong.Error!.FieldErrors!["expires_at"][0]);

        await SetPolicyAsync(org, owner);
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("/api/surveys")).StatusCode);
    }

    [Fact]
    public async Task AChildStops_WhenTheKeyThatMadeItIsBlockedByTheLifetimeRule()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var now = factory.Clock.GetUtcNow();
        var (parentId, parent) = await Data.KeyAsync(org, owner, name: "parent", expiresAt: now.AddDays(300));
        var child = (await Problem.JsonAsync(await factory.ApiClient(parent, org).PostAsync("/api/api-keys", Json("""{"name":"child"}""")),
            HttpStatusCode.Created)).GetProperty("secret").GetString()!;
        await Data.WithDb(db => db.ApiKeys.Where(k => k.Id == parentId).ExecuteUpdateAsync(s => s.SetProperty(k => k.CreatedAt, now.AddDays(-100))));
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(child, org).GetAsync("/api/surveys")).StatusCode); // cached

        await SetPolicyAsync(org, owner, maxDays: 90);

        // The child itself is 0 days old, but it may not outlive the key that made it.
        var refused = await factory.ApiClient(child, org).GetAsync("/api/surveys");
        Assert.Contains("the key that made this one", await Problem.AssertAsync(refused, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task MustExpire_RefusesNever_AndARollThroughTheApiThatWouldKeepNever()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, secret) = await Data.KeyAsync(org, owner);
        await SetPolicyAsync(org, owner, mustExpire: true);

        var created = await Data.WithService<ApiKeyService, ServiceResult<CreatedApiKey>>(s =>
            s.CreateAsync(org, Dashboard(owner), new ApiKeyInput("never", null, null, null)));
        Assert.Contains("requires every key to expire", created.Error!.Message);
        // The key itself never expires, so it is blocked at once; the dashboard can still roll it with a new expiry.
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient(secret, org).GetAsync("/api/surveys")).StatusCode);
        var rolled = await Data.WithService<ApiKeyService, ServiceResult<CreatedApiKey>>(s =>
            s.RollAsync(org, Dashboard(owner), id, new RollOptions(0, new ExpiryChange(factory.Clock.GetUtcNow().AddDays(30)))));
        Assert.True(rolled.Succeeded, rolled.Error?.Message);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(rolled.Value!.Secret, org).GetAsync("/api/surveys")).StatusCode);
    }

    [Fact]
    public async Task Preview_ListsTheKeysAStricterPolicyWouldStop_OrWouldRefuseFromTheirRecentAddresses()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var now = factory.Clock.GetUtcNow();
        var (oldId, _) = await Data.KeyAsync(org, owner, name: "old", expiresAt: now.AddDays(300));
        await Data.WithDb(db => db.ApiKeys.Where(k => k.Id == oldId).ExecuteUpdateAsync(s => s.SetProperty(k => k.CreatedAt, now.AddDays(-40))));
        var (usedId, used) = await Data.KeyAsync(org, owner, name: "used elsewhere", expiresAt: now.AddDays(10));
        await Data.KeyAsync(org, owner, name: "fine", expiresAt: now.AddDays(10));
        var (narrowedId, narrowed) = await Data.KeyAsync(org, owner, name: "own list refuses it already", expiresAt: now.AddDays(10));
        await factory.ApiClientFrom("198.51.100.3", used, org).GetAsync("/api/surveys");
        await factory.ApiClientFrom("198.51.100.4", narrowed, org).GetAsync("/api/surveys");
        await FlushAsync();
        await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.SetAllowedAddressesAsync(org, Dashboard(owner), narrowedId, ["192.0.2.0/24"]));

        var preview = await Data.WithService<ApiKeyService, ServiceResult<IReadOnlyList<PolicyImpact>>>(s =>
            s.PreviewPolicyAsync(org, Dashboard(owner), new KeyPolicyInput(["192.0.2.0/24"], 30, false)));

        var impacts = preview.Value!.ToDictionary(i => i.Key.Id, i => i.Effect);
        Assert.Equal(new[] { oldId, usedId }.Order(), impacts.Keys.Order());
        Assert.Contains("stops working now", impacts[oldId]);
        Assert.Contains("198.51.100.3", impacts[usedId]);
        // Nothing changed yet.
        Assert.Null(await Data.WithDb(db => db.Organizations.Where(o => o.Id == org).Select(o => o.MaxKeyLifetimeDays).SingleAsync()));
    }

    [Fact]
    public async Task PolicyChanges_AreForOwnersAndAdmins_Validated_AndAuditedWithBeforeAndAfter()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var member = await Data.UserAsync();
        await Data.AddMemberAsync(org, member, Questra.Web.Features.Organizations.OrgRole.Member);

        var byMember = await Data.WithService<ApiKeyService, ServiceResult<OrgKeyPolicy>>(s =>
            s.SetPolicyAsync(org, Dashboard(member), new KeyPolicyInput([], 30, false)));
        var bad = await Data.WithService<ApiKeyService, ServiceResult<OrgKeyPolicy>>(s =>
            s.SetPolicyAsync(org, Dashboard(owner), new KeyPolicyInput(["10.0.0.0/0"], 0, false)));
        Assert.Equal(ErrorKind.Forbidden, byMember.Error!.Kind);
        Assert.Equal(["allowed_ips", "max_key_lifetime_days"], bad.Error!.FieldErrors!.Keys.Order());

        await SetPolicyAsync(org, owner, ips: ["192.0.2.0/24"], maxDays: 90);

        var audit = await Data.WithDb(db => db.AuditEvents.Where(e => e.OrganizationId == org && e.Type == AuditEventTypes.OrgKeyPolicyChanged).SingleAsync());
        using var details = JsonDocument.Parse(audit.Details!);
        Assert.Null(details.RootElement.GetProperty("before").GetProperty("max_key_lifetime_days").GetString());
        Assert.Equal(90, details.RootElement.GetProperty("after").GetProperty("max_key_lifetime_days").GetInt32());
        Assert.Equal("192.0.2.0/24", details.RootElement.GetProperty("after").GetProperty("allowed_ips")[0].GetString());
    }

    [Fact]
    public async Task HygieneFilters_ListWorkingKeysWithEveryNamedRisk()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var now = factory.Clock.GetUtcNow();
        var (broadNever, _) = await Data.KeyAsync(org, owner, name: "broad, never expires");
        var (narrow, _) = await Data.KeyAsync(org, owner, name: "narrow", scopes: ["surveys:read"]);
        var (soon, _) = await Data.KeyAsync(org, owner, name: "soon", expiresAt: now.AddDays(3), allowedIps: ["192.0.2.1"]);
        var (revoked, _) = await Data.KeyAsync(org, owner, name: "revoked");
        var (_, admin) = await Data.KeyAsync(org, owner, name: "admin", expiresAt: now.AddDays(60));
        var client = factory.ApiClient(admin, org);
        await client.PostAsync($"/api/api-keys/{revoked}/revoke", null);

        async Task<string[]> Filter(string filter) =>
            (await Problem.JsonAsync(await client.GetAsync($"/api/api-keys?filter={filter}&page_size=100"))).GetProperty("data")
                .EnumerateArray().Select(k => k.GetProperty("id").GetString()!).Order().ToArray();

        Assert.Equal(new[] { broadNever, narrow }.Order(), await Filter("never_expires"));
        Assert.Equal([broadNever], await Filter("never_expires,broad"));
        Assert.Equal([soon], await Filter("expiring_7d"));
        Assert.DoesNotContain(soon, await Filter("unrestricted"));
        Assert.Contains(soon, await Filter("never_used"));
        Assert.DoesNotContain(revoked, await Filter("never_used"));
        Assert.Contains("idle_90d", await Problem.AssertAsync(await client.GetAsync("/api/api-keys?filter=stale"), HttpStatusCode.BadRequest));
    }
}

public sealed class KeyPolicyApiTestsOnSqlite(QuestraFactory factory) : KeyPolicyApiTests(factory), IClassFixture<QuestraFactory>;

public sealed class KeyPolicyApiTestsOnPostgres(PostgresFactory factory) : KeyPolicyApiTests(factory), IClassFixture<PostgresFactory>;
