using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Webhooks;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>
/// Webhooks end to end: endpoints made through the API, events written with the changes that cause them, signed the
/// Standard Webhooks way (checked here with the test's own code), retried under the same id, disabled after a day of
/// failures, and never sent for a person or key that is gone.
/// </summary>
public abstract class WebhookTests(WebhookFactory factory) : IAsyncLifetime
{
    private static readonly string[] AllScopes = ["surveys:read", "responses:read", "api_keys:read", "api_keys:write"];
    private TestData Data => factory.Data;
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private async Task<(string Org, string Owner, HttpClient Admin)> OrgAsync()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner, scopes: AllScopes, name: "Automation");
        return (org, owner, factory.ApiClient(secret, org));
    }

    /// <summary>Waits until <paramref name="count"/> attempts at the endpoint have their outcome written.</summary>
    private Task AttemptsRecordedAsync(string endpointId, int count) =>
        Eventually.HoldsAsync(async () => await Data.WithDb(db => db.WebhookAttempts.CountAsync(a => a.EndpointId == endpointId)) >= count,
            $"{count} attempts recorded", 20);

    private async Task<(string Id, string Secret)> EndpointAsync(HttpClient admin, string[]? events = null)
    {
        var created = await Problem.JsonAsync(await admin.PostAsync("/api/webhooks",
            Json(new { url = receiver.Url, events = events ?? WebhookEventTypes.All.ToArray(), description = "Ops" })), HttpStatusCode.Created);
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    [Fact]
    public async Task AnEndpoint_HearsEveryKeyEvent_OnceEach_Signed_AndNeverASecret()
    {
        var (org, owner, admin) = await OrgAsync();
        var (endpointId, signingSecret) = await EndpointAsync(admin);
        var shown = await Problem.JsonAsync(await admin.GetAsync($"/api/webhooks/{endpointId}"));
        Assert.False(shown.TryGetProperty("secret", out _));

        // A key made by a key, rolled; a key with a child, revoked (the child with it); a key deleted.
        var made = await Problem.JsonAsync(await admin.PostAsync("/api/api-keys", Json(new { name = "Made by a key", scopes = new[] { "surveys:read" } })), HttpStatusCode.Created);
        var madeId = made.GetProperty("id").GetString()!;
        var rolled = await Problem.JsonAsync(await admin.PostAsync($"/api/api-keys/{madeId}/roll", Json(new { grace_period_hours = 1 })), HttpStatusCode.Created);
        var (parentId, parentSecret) = await Data.KeyAsync(org, owner, scopes: AllScopes, name: "Parent");
        var child = await Problem.JsonAsync(await factory.ApiClient(parentSecret, org).PostAsync("/api/api-keys",
            Json(new { name = "Child", scopes = new[] { "surveys:read" } })), HttpStatusCode.Created);
        Assert.True((await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RevokeAsync(org, new Caller(owner, "127.0.0.1"), parentId))).Succeeded);
        var (doomedId, doomedSecret) = await Data.KeyAsync(org, owner, name: "Doomed");
        Assert.True((await Data.WithService<ApiKeyService, ServiceResult<bool>>(s => s.DeleteAsync(org, new Caller(owner, "127.0.0.1"), doomedId))).Succeeded);

        await receiver.WaitForAsync(r => r.Count(x => x.Type == "api_key.revoked") == 2 && r.Any(x => x.Type == "api_key.deleted"), "revocations and the deletion");
        await receiver.WaitForAsync(r => r.Count(x => x.Type == "api_key.created") == 5 && r.Any(x => x.Type == "api_key.rolled"), "creations and the roll");

        var all = receiver.All;
        foreach (var r in all)
        {
            Assert.True(WebhookReceiver.Verifies(signingSecret, r), $"signature of {r.Type}");
            Assert.StartsWith("msg_", r.Id);
            Assert.StartsWith("application/json", r.ContentType);
            Assert.InRange(long.Parse(r.Timestamp, System.Globalization.CultureInfo.InvariantCulture),
                factory.Clock.GetUtcNow().AddMinutes(-5).ToUnixTimeSeconds(), factory.Clock.GetUtcNow().AddMinutes(1).ToUnixTimeSeconds());
            Assert.Equal(org, r.Data.GetProperty("organization_id").GetString());
            foreach (var secret in new[] { made.GetProperty("secret").GetString()!, rolled.GetProperty("secret").GetString()!, parentSecret,
                         child.GetProperty("secret").GetString()!, doomedSecret, signingSecret })
            {
                Assert.DoesNotContain(secret, r.Body);
            }
            Assert.DoesNotContain("sk_live_", r.Body.Replace("\"prefix\":\"sk_live_", "").Replace("_prefix\":\"sk_live_", ""));
        }
        Assert.Equal(all.Count, all.Select(r => r.Id).Distinct().Count()); // each event once when every answer was 2xx

        var revokedChild = Assert.Single(all, r => r.Type == "api_key.revoked" && r.Data.GetProperty("key").GetProperty("id").GetString() == child.GetProperty("id").GetString());
        Assert.Equal("ancestor_revoked", revokedChild.Data.GetProperty("reason").GetString());
        Assert.Equal(child.GetProperty("prefix").GetString(), revokedChild.Data.GetProperty("key").GetProperty("prefix").GetString());
        var roll = Assert.Single(all, r => r.Type == "api_key.rolled");
        Assert.Equal(madeId, roll.Data.GetProperty("key").GetProperty("id").GetString());
        Assert.Equal(rolled.GetProperty("id").GetString(), roll.Data.GetProperty("replaced_by").GetString());
        Assert.Equal("api_key", roll.Data.GetProperty("actor").GetProperty("kind").GetString());
        var deleted = Assert.Single(all, r => r.Type == "api_key.deleted");
        Assert.Equal("Doomed", deleted.Data.GetProperty("key").GetProperty("name").GetString());

        // The dashboard's and API's view of the deliveries: each delivered, its attempt answered 204.
        await Eventually.HoldsAsync(async () =>
        {
            var list = await Problem.JsonAsync(await admin.GetAsync($"/api/webhooks/{endpointId}/deliveries"));
            return list.GetProperty("data").EnumerateArray().Count() == all.Count
                && list.GetProperty("data").EnumerateArray().All(d => d.GetProperty("state").GetString() == "delivered"
                    && d.GetProperty("recent_attempts")[0].GetProperty("status_code").GetInt32() == 204);
        }, "every delivery recorded as delivered", 20);
        var stored = await Data.WithDb(db => db.WebhookMessages.Where(m => m.OrganizationId == org).Select(m => m.Payload).ToListAsync());
        Assert.All(stored, p => Assert.DoesNotContain(parentSecret, p));
    }

    [Fact]
    public async Task AnEndpoint_GetsOnlyTheTypesItAskedFor_AndNothingFromBeforeIt()
    {
        var (org, owner, admin) = await OrgAsync();
        var (earlyId, _) = await Data.KeyAsync(org, owner, name: "Before the endpoint");
        await EndpointAsync(admin, ["api_key.revoked"]);
        var (laterId, _) = await Data.KeyAsync(org, owner, name: "After the endpoint");
        foreach (var id in new[] { earlyId, laterId })
        {
            Assert.True((await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RevokeAsync(org, new Caller(owner, null), id))).Succeeded);
        }

        await receiver.WaitForAsync(r => r.Count == 2, "two revocations");
        Assert.All(receiver.All, r => Assert.Equal("api_key.revoked", r.Type));
        await factory.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync();
        Assert.Equal(2, receiver.All.Count); // no creation event, though both keys were made in this org
    }

    [Fact]
    public async Task AFailedDelivery_IsRetriedWithTheSameIdAndBody_AndEachAttemptIsRecorded()
    {
        var (_, _, admin) = await OrgAsync();
        var (endpointId, signingSecret) = await EndpointAsync(admin, ["api_key.created"]);
        var answers = new Queue<int>([500, 302, 204]);
        receiver.Respond = _ => Task.FromResult(answers.Count > 0 ? answers.Dequeue() : 204);

        await admin.PostAsync("/api/api-keys", Json(new { name = "Retried", scopes = new[] { "surveys:read" } }));
        await receiver.WaitForAsync(r => r.Count == 1, "the first attempt");
        // Each jump of the clock waits for the attempt's outcome to be written: the backoff counts from then, so a jump
        // made between the receiver's answer and the record would move the next try past the jump.
        await AttemptsRecordedAsync(endpointId, 1);
        factory.Clock.Advance(TimeSpan.FromSeconds(6)); // past the first backoff (5 s)
        await receiver.WaitForAsync(r => r.Count == 2, "the second attempt");
        await AttemptsRecordedAsync(endpointId, 2);
        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        await receiver.WaitForAsync(r => r.Count == 3, "the third attempt");

        var attempts = receiver.All;
        Assert.Single(attempts.Select(a => a.Id).Distinct());
        Assert.Single(attempts.Select(a => a.Body).Distinct());
        Assert.All(attempts, a => Assert.True(WebhookReceiver.Verifies(signingSecret, a)));
        await Eventually.HoldsAsync(async () =>
            (await Problem.JsonAsync(await admin.GetAsync($"/api/webhooks/{endpointId}/deliveries"))).GetProperty("data")[0].GetProperty("state").GetString() == "delivered",
            "delivered on the third try", 10);
        var delivery = (await Problem.JsonAsync(await admin.GetAsync($"/api/webhooks/{endpointId}/deliveries"))).GetProperty("data")[0];
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
        var recorded = delivery.GetProperty("recent_attempts").EnumerateArray().ToList();
        Assert.Equal([204, 302, 500], recorded.Select(a => a.GetProperty("status_code").GetInt32()));
        Assert.Equal("Redirects are not followed.", recorded[1].GetProperty("error").GetString());
        Assert.Equal("receiver says no  <b>bold</b>", recorded[2].GetProperty("response_excerpt").GetString()); // control characters dropped
        var endpoint = await Problem.JsonAsync(await admin.GetAsync($"/api/webhooks/{endpointId}"));
        Assert.Equal(204, endpoint.GetProperty("last_status_code").GetInt32());

        // Resend: the same id and body again.
        var resend = await admin.PostAsync($"/api/webhooks/{endpointId}/deliveries/{delivery.GetProperty("id").GetInt64()}/resend", null);
        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        await receiver.WaitForAsync(r => r.Count == 4, "the resend");
        Assert.Equal(attempts[0].Id, receiver.All[3].Id);
        Assert.Equal(attempts[0].Body, receiver.All[3].Body);
    }

    [Fact]
    public async Task AnEndpointFailingForADay_IsDisabled_Audited_AndGetsNoMore()
    {
        var (org, _, admin) = await OrgAsync();
        var (endpointId, _) = await EndpointAsync(admin, ["api_key.created"]);
        receiver.Respond = _ => Task.FromResult(503);
        var test = await admin.PostAsync($"/api/webhooks/{endpointId}/test", null);
        Assert.Equal(HttpStatusCode.Accepted, test.StatusCode);
        await receiver.WaitForAsync(r => r.Count == 1, "the first attempt");
        Assert.Equal(WebhookEventTypes.Test, receiver.All[0].Type);

        for (var i = 0; i < 12 && await EnabledAsync(); i++)
        {
            var before = receiver.All.Count;
            await AttemptsRecordedAsync(endpointId, before); // the backoff counts from the record, not from the answer
            factory.Clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1)); // past each backoff (at most 8 h)
            await Eventually.HoldsAsync(async () => receiver.All.Count > before || !await EnabledAsync(), "another attempt", 20);
        }

        Assert.False(await EnabledAsync());
        var endpoint = await Problem.JsonAsync(await admin.GetAsync($"/api/webhooks/{endpointId}"));
        Assert.StartsWith("Failing since", endpoint.GetProperty("disabled_reason").GetString());
        Assert.True(await Data.WithDb(db => db.AuditEvents.AnyAsync(e => e.OrganizationId == org && e.Type == "webhook.disabled" && e.TargetId == endpointId)));
        var count = receiver.All.Count;
        await admin.PostAsync("/api/api-keys", Json(new { name = "After", scopes = new[] { "surveys:read" } }));
        await factory.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync();
        Assert.Equal(count, receiver.All.Count);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/webhooks/{endpointId}/test", null)).StatusCode);

        Task<bool> EnabledAsync() => Data.WithDb(db => db.WebhookEndpoints.Where(e => e.Id == endpointId).Select(e => e.DisabledAt == null).SingleAsync());
    }

    [Fact]
    public async Task OnlyAKeyThatReachesEveryKey_OfAnOwnerOrAdmin_ManagesEndpoints()
    {
        var (org, owner, admin) = await OrgAsync();
        var survey = await Data.SurveyAsync(org, owner);
        var (_, narrowSurveys) = await Data.KeyAsync(org, owner, scopes: AllScopes, surveyIds: [survey]);
        var (_, narrowAddresses) = await Data.KeyAsync(org, owner, scopes: AllScopes, allowedIps: ["127.0.0.1"]);
        var (_, fewScopes) = await Data.KeyAsync(org, owner, scopes: ["api_keys:read", "api_keys:write"]);
        var member = await Data.UserAsync();
        await Data.AddMemberAsync(org, member, OrgRole.Admin);
        var (_, memberKey) = await Data.KeyAsync(org, member, scopes: AllScopes);
        await Data.SetRoleAsync(org, member, OrgRole.Member); // the key stays, but acts as a member now

        foreach (var secret in new[] { narrowSurveys, narrowAddresses, fewScopes, memberKey })
        {
            var client = factory.ApiClient(secret, org);
            await Problem.AssertAsync(await client.GetAsync("/api/webhooks"), HttpStatusCode.Forbidden);
            await Problem.AssertAsync(await client.PostAsync("/api/webhooks", Json(new { url = receiver.Url, events = new[] { "api_key.created" } })), HttpStatusCode.Forbidden);
        }
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/webhooks")).StatusCode);
    }

    [Fact]
    public async Task BadInput_IsRefusedWithTheFieldNamed_AndChangesNothing()
    {
        var (org, _, admin) = await OrgAsync();
        await Problem.AssertAsync(await admin.PostAsync("/api/webhooks", Json(new { url = receiver.Url, events = new[] { "api_key.exploded" } })), (HttpStatusCode)422);
        await Problem.AssertAsync(await admin.PostAsync("/api/webhooks", Json(new { url = receiver.Url, events = Array.Empty<string>() })), (HttpStatusCode)422);
        await Problem.AssertAsync(await admin.PostAsync("/api/webhooks", Json(new { url = "not a url", events = new[] { "api_key.created" } })), (HttpStatusCode)422);
        await Problem.AssertAsync(await admin.PostAsync("/api/webhooks", Json(new { url = "https://user:pw@example.com/x", events = new[] { "api_key.created" } })), (HttpStatusCode)422);
        await Problem.AssertAsync(await admin.PostAsync("/api/webhooks", new StringContent("""{"url":"x","Events":[]}""", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await Problem.AssertAsync(await admin.PostAsync("/api/webhooks", Json(new { url = receiver.Url, events = new[] { "api_key.created" }, secret = "mine" })), HttpStatusCode.BadRequest);
        await Problem.AssertAsync(await admin.GetAsync("/api/webhooks/whe_nothere"), HttpStatusCode.NotFound);
        Assert.Equal(0, await Data.WithDb(db => db.WebhookEndpoints.CountAsync(e => e.OrganizationId == org)));
    }

    [Fact]
    public async Task AnEndpoint_StopsWhenThePersonOrKeyBehindItIsGone_AndATakeoverRollsItsSecretAtOnce()
    {
        var (org, owner, _) = await OrgAsync();
        var adminUser = await Data.UserAsync();
        await Data.AddMemberAsync(org, adminUser, OrgRole.Admin);
        var (_, adminKey) = await Data.KeyAsync(org, adminUser, scopes: AllScopes);
        var byAdmin = factory.ApiClient(adminKey, org);
        var (endpointId, oldSecret) = await EndpointAsync(byAdmin, ["api_key.created", "api_key.revoked"]);

        await Data.SetRoleAsync(org, adminUser, OrgRole.Member); // no longer an admin: the address they chose hears nothing more
        var (_, ownerKey) = await Data.KeyAsync(org, owner, scopes: AllScopes, name: "Owner's");
        var byOwner = factory.ApiClient(ownerKey, org);
        await Data.KeyAsync(org, owner, name: "Unheard");
        await factory.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(); // every message written so far is fanned out
        Assert.False(await Data.WithDb(db => db.WebhookDeliveries.AnyAsync(d => d.EndpointId == endpointId)));
        Assert.Empty(receiver.All);
        var paused = await Problem.JsonAsync(await byOwner.GetAsync($"/api/webhooks/{endpointId}"));
        Assert.True(paused.GetProperty("paused").GetBoolean());
        await Problem.AssertAsync(await byOwner.PostAsync($"/api/webhooks/{endpointId}/test", null), HttpStatusCode.Conflict);

        var takeover = await Problem.JsonAsync(await byOwner.PostAsync($"/api/webhooks/{endpointId}/roll-secret", null));
        var newSecret = takeover.GetProperty("secret").GetString()!;
        Assert.False(takeover.GetProperty("paused").GetBoolean());
        Assert.Equal(owner, takeover.GetProperty("created_by").GetString());
        Assert.Equal(JsonValueKind.Null, takeover.GetProperty("previous_secret_until").ValueKind); // the old holder's secret stops at once
        // Still pointing where the departed admin chose: switched off until the new owner has looked and enables it.
        Assert.False(takeover.GetProperty("enabled").GetBoolean());
        Assert.Equal(WebhookService.TakenOver, takeover.GetProperty("disabled_reason").GetString());
        var queuedBefore = await Data.WithDb(db => db.WebhookDeliveries.CountAsync(d => d.EndpointId == endpointId));
        await Data.KeyAsync(org, owner, name: "Unheard either");
        await factory.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(); // every message written so far is fanned out
        Assert.Equal(queuedBefore, await Data.WithDb(db => db.WebhookDeliveries.CountAsync(d => d.EndpointId == endpointId)));
        Assert.Empty(receiver.All);
        Assert.True((await Problem.JsonAsync(await byOwner.PostAsync($"/api/webhooks/{endpointId}/enable", null))).GetProperty("enabled").GetBoolean());
        await Data.KeyAsync(org, owner, name: "Heard");
        await receiver.WaitForAsync(r => r.Any(x => x.Type == "api_key.created"), "the creation after the takeover");
        var heard = Assert.Single(receiver.All);
        Assert.Equal("Heard", heard.Data.GetProperty("key").GetProperty("name").GetString());
        Assert.True(WebhookReceiver.Verifies(newSecret, heard));
        Assert.False(WebhookReceiver.Verifies(oldSecret, heard));

        // An endpoint made by a key pauses when that key is revoked.
        await EndpointAsync(byOwner, ["api_key.deleted"]);
        var ownerKeyId = await Data.WithDb(db => db.ApiKeys.Where(k => k.OrganizationId == org && k.Name == "Owner's").Select(k => k.Id).SingleAsync());
        Assert.True((await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RevokeAsync(org, new Caller(owner, null), ownerKeyId))).Succeeded);
        var views = await Data.WithService<WebhookService, ServiceResult<IReadOnlyList<WebhookEndpointView>>>(s => s.ListAsync(org, new Caller(owner, null)));
        Assert.Contains(views.Value!, v => v.Endpoint.CreatedByKeyId == ownerKeyId && v.PausedReason!.Contains("API key"));
    }

    [Fact]
    public async Task WhoeverChangesTheAddress_AnswersForIt_AndAPausedEndpointCannotBeRepointed()
    {
        var (org, owner, byOwner) = await OrgAsync();
        var (endpointId, _) = await EndpointAsync(byOwner, ["api_key.created"]);
        await using var elsewhere = await WebhookReceiver.StartAsync();
        var adminUser = await Data.UserAsync();
        await Data.AddMemberAsync(org, adminUser, OrgRole.Admin);
        var (_, adminKey) = await Data.KeyAsync(org, adminUser, scopes: AllScopes);
        var byAdmin = factory.ApiClient(adminKey, org);
        await receiver.WaitForAsync(r => r.Count == 1, "the admin key's creation, at the owner's address");

        // An admin points the owner's endpoint at their own receiver, then loses the role: their address hears nothing more.
        var changed = await Problem.JsonAsync(await byAdmin.PutAsync($"/api/webhooks/{endpointId}", Json(new { url = elsewhere.Url, events = new[] { "api_key.created" } })));
        Assert.Equal(adminUser, changed.GetProperty("created_by").GetString());
        await Data.SetRoleAsync(org, adminUser, OrgRole.Member);
        var queued = await Data.WithDb(db => db.WebhookDeliveries.CountAsync(d => d.EndpointId == endpointId));
        var heardBefore = receiver.All.Count;
        await Data.KeyAsync(org, owner, name: "Unheard");
        await factory.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(); // every message written so far is fanned out
        Assert.Equal(queued, await Data.WithDb(db => db.WebhookDeliveries.CountAsync(d => d.EndpointId == endpointId)));
        Assert.Empty(elsewhere.All);
        Assert.Equal(heardBefore, receiver.All.Count);

        // Paused, it cannot be changed (not even back); only a takeover (rolling its secret) or deleting it.
        await Problem.AssertAsync(await byOwner.PutAsync($"/api/webhooks/{endpointId}", Json(new { url = receiver.Url, events = new[] { "api_key.created" } })), HttpStatusCode.Conflict);
        Assert.Equal(elsewhere.Url, await Data.WithDb(db => db.WebhookEndpoints.Where(e => e.Id == endpointId).Select(e => e.Url).SingleAsync()));
        await Problem.JsonAsync(await byOwner.PostAsync($"/api/webhooks/{endpointId}/roll-secret", null));
        await Problem.JsonAsync(await byOwner.PutAsync($"/api/webhooks/{endpointId}", Json(new { url = receiver.Url, events = new[] { "api_key.created" } })));
        await Problem.JsonAsync(await byOwner.PostAsync($"/api/webhooks/{endpointId}/enable", null));
        await Data.KeyAsync(org, owner, name: "Heard");
        await receiver.WaitForAsync(r => r.Count == 2, "the creation after the owner took it back");
        Assert.Equal("Heard", receiver.All[^1].Data.GetProperty("key").GetProperty("name").GetString());
        Assert.Empty(elsewhere.All);
    }

    [Fact]
    public async Task AnEndpointMadeByAKey_PausesWhenTheKeyPolicyBlocksThatKey_OrTheKeyAboveIt()
    {
        var (org, owner, byOwner) = await OrgAsync(); // the calling key never expires
        var (direct, _) = await EndpointAsync(byOwner, ["api_key.created"]);
        var child = await Problem.JsonAsync(await byOwner.PostAsync("/api/api-keys", Json(new
        {
            name = "Child with an expiry", scopes = AllScopes, expires_at = factory.Clock.GetUtcNow().AddDays(30).ToString("O"),
        })), HttpStatusCode.Created);
        var (byChild, _) = await EndpointAsync(factory.ApiClient(child.GetProperty("secret").GetString()!, org), ["api_key.created"]);
        await receiver.WaitForAsync(r => r.Count == 1, "the child's creation, to the first endpoint");

        await Data.WithDb(db => db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.KeysMustExpire, true)));
        var views = (await Data.WithService<WebhookService, ServiceResult<IReadOnlyList<WebhookEndpointView>>>(s => s.ListAsync(org, new Caller(owner, null)))).Value!;
        Assert.Contains("blocked by the key policy", views.Single(v => v.Endpoint.Id == direct).PausedReason);
        Assert.Contains("blocked by the key policy", views.Single(v => v.Endpoint.Id == byChild).PausedReason); // its parent never expires
        var queued = await Data.WithDb(db => db.WebhookDeliveries.CountAsync(d => d.EndpointId == direct || d.EndpointId == byChild));
        await Data.KeyAsync(org, owner, name: "Unheard", expiresAt: factory.Clock.GetUtcNow().AddDays(5));
        await factory.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(); // every message written so far is fanned out
        Assert.Equal(queued, await Data.WithDb(db => db.WebhookDeliveries.CountAsync(d => d.EndpointId == direct || d.EndpointId == byChild)));
        Assert.Single(receiver.All);

        await Data.WithDb(db => db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.KeysMustExpire, false)));
        await Data.KeyAsync(org, owner, name: "Heard");
        await receiver.WaitForAsync(r => r.Count == 3, "the creation, to both endpoints, once the rule is lifted");
        Assert.Equal(2, receiver.All.Count(r => r.Data.GetProperty("key").GetProperty("name").GetString() == "Heard"));

        // Limiting the parent key to certain addresses (as after a suspected leak): a limited key may not manage
        // webhooks, so neither its endpoint nor its child's sends any more.
        var parentId = await Data.WithDb(db => db.ApiKeys.Where(k => k.OrganizationId == org && k.Name == "Automation").Select(k => k.Id).SingleAsync());
        Assert.True((await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.SetAllowedAddressesAsync(org, new Caller(owner, "127.0.0.1"), parentId, ["198.51.100.7"]))).Succeeded);
        views = (await Data.WithService<WebhookService, ServiceResult<IReadOnlyList<WebhookEndpointView>>>(s => s.ListAsync(org, new Caller(owner, null)))).Value!;
        Assert.Contains("limited to certain addresses", views.Single(v => v.Endpoint.Id == direct).PausedReason);
        Assert.Contains("limited to certain addresses", views.Single(v => v.Endpoint.Id == byChild).PausedReason);
        var queuedBefore = await Data.WithDb(db => db.WebhookDeliveries.CountAsync(d => d.EndpointId == direct || d.EndpointId == byChild));
        await Data.KeyAsync(org, owner, name: "Unheard again");
        await factory.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(); // every message written so far is fanned out
        Assert.Equal(queuedBefore, await Data.WithDb(db => db.WebhookDeliveries.CountAsync(d => d.EndpointId == direct || d.EndpointId == byChild)));
        Assert.Equal(3, receiver.All.Count);
    }

    [Fact]
    public async Task ASlowReceiver_HoldsOnlyItsOwnTurn_AndTestEventsCannotFloodTheQueue()
    {
        var (_, _, slowAdmin) = await OrgAsync();
        var (_, _, otherAdmin) = await OrgAsync();
        await using var other = await WebhookReceiver.StartAsync();
        var release = new TaskCompletionSource();
        var inFlight = 0;
        var mostAtOnce = 0;
        var firstHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Respond = async _ =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref mostAtOnce, now);
            firstHeld.TrySetResult();
            await Task.WhenAny(release.Task, Task.Delay(TimeSpan.FromSeconds(30))); // hangs past the 10 s timeout, until released
            Interlocked.Decrement(ref inFlight);
            return 204;
        };
        var (slowId, _) = await EndpointAsync(slowAdmin, ["api_key.created"]);
        try
        {
            for (var i = 0; i < WebhookService.MaxWaiting; i++)
            {
                Assert.Equal(HttpStatusCode.Accepted, (await slowAdmin.PostAsync($"/api/webhooks/{slowId}/test", null)).StatusCode);
            }
            var flooded = await Problem.AssertAsync(await slowAdmin.PostAsync($"/api/webhooks/{slowId}/test", null), HttpStatusCode.Conflict);
            Assert.Contains("waiting", flooded);
            await firstHeld.Task.WaitAsync(TimeSpan.FromSeconds(20)); // the slow receiver holds a request before the other event is raised

            // Another organization's event goes out while the slow receiver still holds its first requests (none has timed out).
            var arrived = new TaskCompletionSource<(int AtOnce, int Attempts)>(TaskCreationOptions.RunContinuationsAsynchronously);
            other.Respond = async _ =>
            {
                var atOnce = Volatile.Read(ref mostAtOnce);
                arrived.TrySetResult((atOnce, await Data.WithDb(db => db.WebhookAttempts.CountAsync(a => a.EndpointId == slowId))));
                return 204;
            };
            var (otherId, _) = await EndpointAsyncAt(otherAdmin, other.Url);
            Assert.Equal(HttpStatusCode.Accepted, (await otherAdmin.PostAsync($"/api/webhooks/{otherId}/test", null)).StatusCode);
            var (slowAtOnce, slowAttempts) = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(20));
            // Not behind the slow endpoint's 20: at most its first turn (4) can have timed out meanwhile on a busy machine.
            Assert.InRange(slowAttempts, 0, WebhookDispatcher.PerEndpoint);
            Assert.InRange(slowAtOnce, 1, WebhookDispatcher.PerEndpoint);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task ADeliveryThatFailsOnOurSide_IsRecordedAsAFailedAttempt_AndBacksOff()
    {
        var (org, owner, admin) = await OrgAsync();
        var (endpointId, _) = await EndpointAsync(admin, ["api_key.created"]);
        // A signing secret that no longer unprotects (say, keys lost in a restore): not the receiver's fault, and no loop.
        await Data.WithDb(db => db.WebhookEndpoints.Where(e => e.Id == endpointId).ExecuteUpdateAsync(s => s.SetProperty(e => e.SecretProtected, "CfDJ8-garbage")));
        await Data.KeyAsync(org, owner, name: "Unsignable");
        await Eventually.HoldsAsync(() => Data.WithDb(db => db.WebhookAttempts.AnyAsync(a => a.EndpointId == endpointId)), "the failed attempt recorded", 20);
        var attempt = await Data.WithDb(db => db.WebhookAttempts.Where(a => a.EndpointId == endpointId).OrderBy(a => a.Id).FirstAsync());
        Assert.False(attempt.Succeeded);
        Assert.Contains("error on Questra's side", attempt.Error);
        var delivery = await Data.WithDb(db => db.WebhookDeliveries.SingleAsync(d => d.EndpointId == endpointId));
        Assert.InRange(delivery.Attempts, 1, 2); // the second try comes 5 s later
        Assert.False(delivery.GaveUp);
        Assert.True(delivery.NextAttemptAt > attempt.At, "backs off like any failure");
        Assert.Null(await Data.WithDb(db => db.WebhookEndpoints.Where(e => e.Id == endpointId).Select(e => e.FailingSince).SingleAsync())); // not the receiver's failure
        Assert.Empty(receiver.All);
    }

    [Fact]
    public void WhatAReceiverAnswers_IsStoredPrintable_AndCutBetweenCharacters()
    {
        Assert.Equal("a b  c", WebhookDispatcher.Printable("a\0b\r\nc\u0007", 100)); // no NUL (PostgreSQL refuses it) or control characters
        Assert.Null(WebhookDispatcher.Printable("\0\0", 100));
        Assert.Equal("a", WebhookDispatcher.Printable("a" + string.Concat(Enumerable.Repeat("\U0001F600", 3)), 2)); // an emoji is never cut in half
        Assert.Equal("a\U0001F600", WebhookDispatcher.Printable("a\U0001F600\U0001F600", 4));
        Assert.Equal("x y  z", WebhookDispatcher.Printable("x\u202Ey\uD800\u200Bz", 100)); // bidi override, lone half, zero-width
    }

    [Fact]
    public async Task ASigningSecret_NeverPrintsItself()
    {
        var (org, owner, admin) = await OrgAsync();
        var (endpointId, _) = await EndpointAsync(admin, ["api_key.created"]);
        var rolled = await Data.WithService<WebhookService, ServiceResult<WebhookSecretShown>>(s => s.RollSecretAsync(org, new Caller(owner, null), endpointId));
        Assert.StartsWith("whsec_", rolled.Value!.Secret);
        Assert.DoesNotContain(rolled.Value.Secret, rolled.ToString() + rolled.Value);
        Assert.DoesNotContain(rolled.Value.Secret["whsec_".Length..], rolled.Value.Endpoint.SecretProtected); // stored protected, not in clear
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    private static async Task<(string Id, string Secret)> EndpointAsyncAt(HttpClient admin, string url)
    {
        var created = await Problem.JsonAsync(await admin.PostAsync("/api/webhooks", Json(new { url, events = new[] { "api_key.created" } })), HttpStatusCode.Created);
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    [Fact]
    public async Task ARolledSigningSecret_OverlapsForADay_WithBothSignaturesSent()
    {
        var (_, _, admin) = await OrgAsync();
        var (endpointId, oldSecret) = await EndpointAsync(admin, [WebhookEventTypes.All[0]]);
        var rolled = await Problem.JsonAsync(await admin.PostAsync($"/api/webhooks/{endpointId}/roll-secret", null));
        var newSecret = rolled.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        await admin.PostAsync($"/api/webhooks/{endpointId}/test", null);
        await receiver.WaitForAsync(r => r.Count == 1, "the test event");
        var during = receiver.All[0];
        Assert.Equal(2, during.Signature.Split(' ').Length);
        Assert.True(WebhookReceiver.Verifies(oldSecret, during));
        Assert.True(WebhookReceiver.Verifies(newSecret, during));

        await AttemptsRecordedAsync(endpointId, 1); // a jump before the record lets the claim run out: the first event would go again
        factory.Clock.Advance(TimeSpan.FromHours(25));
        await admin.PostAsync($"/api/webhooks/{endpointId}/test", null);
        await receiver.WaitForAsync(r => r.Count == 2, "the second test event");
        Assert.NotEqual(during.Id, receiver.All[1].Id); // the second event, not the first sent again
        Assert.False(WebhookReceiver.Verifies(oldSecret, receiver.All[1]));
        Assert.True(WebhookReceiver.Verifies(newSecret, receiver.All[1]));
    }

    [Fact]
    public async Task ExpiryEvents_GoOutOnceAtSevenDays_OnceAtOneDay_AndWhenTheKeyExpires()
    {
        var (org, owner, admin) = await OrgAsync();
        await EndpointAsync(admin, ["api_key.expiring", "api_key.expired"]);
        var (keyId, _) = await Data.KeyAsync(org, owner, name: "Quarterly", expiresAt: factory.Clock.GetUtcNow().AddDays(3));
        var notifier = factory.Services.GetRequiredService<KeyExpiryNotifier>();

        // Before each jump of the clock, every delivery is recorded as delivered: a jump makes a claim still held by an
        // attempt look run out, and the delivery would be sent again (at least once, as designed, but not what this counts).
        Task AllRecordedAsync() => Eventually.HoldsAsync(() => Data.WithDb(db => db.WebhookDeliveries.AllAsync(d => d.OrganizationId != org || d.DeliveredAt != null)),
            "every delivery recorded", 20);
        await Task.WhenAll(notifier.RunOnceAsync(), notifier.RunOnceAsync()); // two instances at once
        await receiver.WaitForAsync(r => r.Count == 1, "the 7-day notice");
        await AllRecordedAsync();
        factory.Clock.Advance(TimeSpan.FromDays(2.5));
        await notifier.RunOnceAsync();
        await notifier.RunOnceAsync();
        await receiver.WaitForAsync(r => r.Count == 2, "the 1-day notice");
        await AllRecordedAsync();
        factory.Clock.Advance(TimeSpan.FromDays(1));
        await notifier.RunOnceAsync();
        await notifier.RunOnceAsync();
        try
        {
            await receiver.WaitForAsync(r => r.Count == 3, "the expiry");
        }
        catch (TimeoutException)
        {
            var state = await Data.WithDb(db => db.WebhookDeliveries.Where(d => d.OrganizationId == org)
                .Join(db.WebhookMessages, d => d.MessageId, m => m.Id, (d, m) => m.Type + " attempts=" + d.Attempts + " delivered=" + (d.DeliveredAt != null) + " gaveup=" + d.GaveUp + " next=" + d.NextAttemptAt + " claimed=" + d.ClaimedUntil)
                .ToListAsync());
            var messages = await Data.WithDb(db => db.WebhookMessages.Where(m => m.OrganizationId == org).Select(m => m.Type + " fanned=" + (m.FannedOutAt != null)).ToListAsync());
            throw new TimeoutException($"now={factory.Clock.GetUtcNow():O} deliveries: {string.Join(" | ", state)} messages: {string.Join(" | ", messages)}");
        }
        await factory.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync();

        var events = receiver.All;
        Assert.Equal(["api_key.expiring", "api_key.expiring", "api_key.expired"], events.Select(e => e.Type));
        Assert.Equal([7, 1], events.Take(2).Select(e => e.Data.GetProperty("days").GetInt32()));
        Assert.All(events, e => Assert.Equal(keyId, e.Data.GetProperty("key").GetProperty("id").GetString()));
        Assert.Equal("questra", events[2].Data.GetProperty("actor").GetProperty("kind").GetString());
    }
}

public sealed class WebhookTestsOnSqlite(WebhookFactory factory) : WebhookTests(factory), IClassFixture<WebhookFactory>;

public sealed class WebhookTestsOnPostgres(PostgresWebhookFactory factory) : WebhookTests(factory), IClassFixture<PostgresWebhookFactory>;
