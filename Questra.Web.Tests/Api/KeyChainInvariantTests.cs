using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>
/// Random chains of keys — keys making keys with random scopes, surveys and expiries, rolls, revokes, deletes,
/// demotions, removals, time passing — driven through the API as an attacker holding keys would, with the promise
/// checked after every step against a model the test keeps itself:
/// every working key's scopes and surveys are within its parent's, its expiry is no later than its parent's, its
/// owner is a member now, and no key descended from a revoked or deleted key works. Keys the model expects to work
/// must work, so over-revocation fails too.
/// </summary>
public abstract class KeyChainInvariantTests(QuestraFactory factory)
{
    private sealed class Key
    {
        public required string Id { get; init; }
        public required string Secret { get; init; }
        public required string Owner { get; init; }
        public required string? Parent { get; set; }
        public required HashSet<string> Scopes { get; init; }
        public required HashSet<string>? Surveys { get; init; } // null: every survey
        public DateTimeOffset? Expires { get; set; }
        public bool Killed { get; set; }  // revoked or deleted itself, or its owner removed: it and its descendants stop
        public bool Deleted { get; set; }
        public bool Stopped { get; set; } // rolled with no grace: it alone stops
        public bool Rolled { get; set; }
    }

    private static readonly string[] AllScopes = ["surveys:read", "responses:read", "api_keys:read", "api_keys:write"];

    private readonly Dictionary<string, Key> keys = [];
    private readonly Dictionary<string, OrgRole?> roles = [];

    // Whole seconds, as a person picks a time and as every database keeps it.
    private DateTimeOffset Now => TestClock.Cut(factory.Clock.GetUtcNow(), TimeSpan.FromSeconds(1));

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task RandomChains_NeverBreakThePromise(int seed)
    {
        var random = new Random(seed);
        var org = await factory.Data.OrgAsync(policy: ApiKeyCreationPolicy.AllMembers);
        var owner = await factory.Data.UserAsync();
        var other = await factory.Data.UserAsync();
        await factory.Data.AddMemberAsync(org, owner, OrgRole.Owner);
        await factory.Data.AddMemberAsync(org, other, OrgRole.Admin);
        roles[owner] = OrgRole.Owner;
        roles[other] = OrgRole.Admin;
        var surveys = new List<string>();
        for (var i = 0; i < 3; i++) surveys.Add(await factory.Data.SurveyAsync(org, owner, $"Survey {i}"));
        surveys.Add(await factory.Data.SurveyAsync(org, other, "Their survey"));

        await DashboardKeyAsync(org, owner, null);
        await DashboardKeyAsync(org, owner, Now.AddHours(6));
        await DashboardKeyAsync(org, other, null);

        for (var step = 0; step < 50; step++)
        {
            var action = random.Next(100) switch
            {
                < 35 => "create",
                < 50 => "roll",
                < 60 => "revoke",
                < 66 => "delete",
                < 74 => "role",
                < 80 => "remove",
                < 88 => "time",
                _ => "dashboard",
            };
            var what = await StepAsync(action, random, org, owner, other, surveys);
            await CheckAsync(org, $"seed {seed}, step {step}: {what}");
        }
    }

    private async Task<string> StepAsync(string action, Random random, string org, string owner, string other, List<string> surveys)
    {
        var caller = Pick(random);
        var target = Pick(random);
        switch (action)
        {
            case "create":
                {
                    var body = new Dictionary<string, object> { ["name"] = $"k{keys.Count}" };
                    if (random.Next(3) > 0) body["scopes"] = AllScopes.Where(_ => random.Next(2) == 0).DefaultIfEmpty("surveys:read").ToArray();
                    if (random.Next(3) == 0) body["survey_ids"] = surveys.Where(_ => random.Next(2) == 0).DefaultIfEmpty(surveys[0]).ToArray();
                    if (random.Next(3) == 0) body["expires_at"] = Now.AddMinutes(random.Next(1, 24 * 60)).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
                    var response = await factory.ApiClient(caller.Secret, org).PostAsync("/api/api-keys", Json(body));
                    if (response.StatusCode != HttpStatusCode.Created) return $"create by {caller.Id}: {(int)response.StatusCode}";
                    var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                    Assert.True(Works(caller), $"{caller.Id} should not work, yet created a key");
                    var child = Add(json, caller.Owner, caller.Id);
                    Assert.True(child.Scopes.IsSubsetOf(caller.Scopes), $"{child.Id} has scopes its parent {caller.Id} lacks");
                    Assert.True(caller.Surveys is null || (child.Surveys is not null && child.Surveys.IsSubsetOf(caller.Surveys)), $"{child.Id} reaches surveys its parent does not");
                    Assert.True(caller.Expires is null || (child.Expires is not null && child.Expires <= caller.Expires), $"{child.Id} outlives its parent");
                    return $"{caller.Id} created {child.Id}";
                }
            case "roll":
                {
                    var response = await factory.ApiClient(caller.Secret, org).PostAsync($"/api/api-keys/{target.Id}/roll",
                        Json(new { grace_period_hours = new[] { 0, 1, 24 }[random.Next(3)] }));
                    if (response.StatusCode != HttpStatusCode.Created) return $"roll of {target.Id} by {caller.Id}: {(int)response.StatusCode}";
                    AssertMayManage(caller, target, "roll");
                    Assert.Equal(caller.Owner, target.Owner);
                    Assert.False(target.Rolled, $"{target.Id} was rolled twice");
                    var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                    var replacement = Add(json, target.Owner, target.Parent);
                    Assert.Equal(target.Expires, replacement.Expires);
                    Assert.True(caller.Expires is null || (replacement.Expires is not null && replacement.Expires <= caller.Expires), "a roll handed out a longer-lived secret");
                    foreach (var child in keys.Values.Where(k => k.Parent == target.Id)) child.Parent = replacement.Id;
                    target.Rolled = true;
                    // The old key: revoked now (no grace), or working until the grace period ends.
                    if (await GraceOfAsync(target.Id) is { } graceEnd) target.Expires = graceEnd;
                    else target.Stopped = true;
                    return $"{caller.Id} rolled {target.Id} into {replacement.Id}";
                }
            case "revoke" or "delete":
                {
                    var client = factory.ApiClient(caller.Secret, org);
                    var response = action == "revoke"
                        ? await client.PostAsync($"/api/api-keys/{target.Id}/revoke", null)
                        : await client.DeleteAsync($"/api/api-keys/{target.Id}");
                    if (!response.IsSuccessStatusCode) return $"{action} of {target.Id} by {caller.Id}: {(int)response.StatusCode}";
                    AssertMayManage(caller, target, action);
                    target.Killed = true;
                    target.Deleted |= action == "delete";
                    return $"{caller.Id} {action}d {target.Id}";
                }
            case "role":
                {
                    if (roles[other] is null) return "role: not a member";
                    var role = roles[other] == OrgRole.Admin ? OrgRole.Member : OrgRole.Admin;
                    await factory.Data.SetRoleAsync(org, other, role);
                    roles[other] = role;
                    return $"other is now {role}";
                }
            case "remove":
                {
                    if (roles[other] is null)
                    {
                        await factory.Data.AddMemberAsync(org, other, OrgRole.Member);
                        roles[other] = OrgRole.Member;
                        return "other added back";
                    }
                    await factory.Data.RemoveMemberAsync(org, other);
                    roles[other] = null;
                    foreach (var key in keys.Values.Where(k => k.Owner == other)) key.Killed = true;
                    return "other removed";
                }
            case "time":
                {
                    var by = TimeSpan.FromMinutes(random.Next(1, 180));
                    factory.Clock.Advance(by);
                    return $"time +{by}";
                }
            default:
                {
                    // The dashboard's own doors: a new root key, or a revoke by an owner.
                    if (random.Next(2) == 0)
                    {
                        var user = roles[other] is not null && random.Next(2) == 0 ? other : owner;
                        await DashboardKeyAsync(org, user, random.Next(2) == 0 ? null : Now.AddMinutes(random.Next(30, 600)));
                        return $"dashboard key for {(user == owner ? "owner" : "other")}";
                    }
                    var result = await factory.Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RevokeAsync(org, new Caller(owner, null), target.Id));
                    if (!result.Succeeded) return $"dashboard revoke of {target.Id}: {result.Error!.Kind}";
                    target.Killed = true;
                    return $"owner revoked {target.Id} in the dashboard";
                }
        }
    }

    private Key Pick(Random random)
    {
        var all = keys.Values.Where(k => !k.Deleted).ToList();
        return all[random.Next(all.Count)];
    }

    private Key Add(JsonElement json, string owner, string? parent)
    {
        var key = new Key
        {
            Id = json.GetProperty("id").GetString()!,
            Secret = json.GetProperty("secret").GetString()!,
            Owner = owner,
            Parent = parent,
            Scopes = json.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToHashSet(),
            Surveys = json.GetProperty("survey_ids").ValueKind == JsonValueKind.Null ? null
                : json.GetProperty("survey_ids").EnumerateArray().Select(s => s.GetString()!).ToHashSet(),
            Expires = json.GetProperty("expires_at").ValueKind == JsonValueKind.Null ? null : json.GetProperty("expires_at").GetDateTimeOffset(),
        };
        Assert.Equal(parent, json.GetProperty("created_by_key").GetString());
        keys[key.Id] = key;
        return key;
    }

    private async Task DashboardKeyAsync(string org, string user, DateTimeOffset? expires)
    {
        var result = await factory.Data.WithService<ApiKeyService, ServiceResult<CreatedApiKey>>(s =>
            s.CreateAsync(org, new Caller(user, null), new ApiKeyInput($"root{keys.Count}", expires, null, null)));
        Assert.True(result.Succeeded, result.Error?.Message);
        var k = result.Value!.Key;
        keys[k.Id] = new Key
        {
            Id = k.Id,
            Secret = result.Value.Secret,
            Owner = user,
            Parent = null,
            Scopes = ApiScopeNames.ToNames(k.Scopes).ToHashSet(),
            Surveys = null,
            Expires = k.ExpiresAt,
        };
    }

    private Task<DateTimeOffset?> GraceOfAsync(string id) =>
        factory.Data.WithDb(db => db.ApiKeys.AsNoTracking().Where(k => k.Id == id)
            .Select(k => k.RevokedAt == null ? k.ExpiresAt : null).SingleAsync());

    /// <summary>A key that managed another: it worked, the target was inside its reach, and its owner's role reached it.</summary>
    private void AssertMayManage(Key caller, Key target, string what)
    {
        Assert.True(Works(caller), $"{caller.Id} should not work, yet could {what} {target.Id}");
        Assert.True(target.Scopes.IsSubsetOf(caller.Scopes), $"{caller.Id} could {what} {target.Id}, which has scopes it lacks");
        Assert.True(caller.Surveys is null || (target.Surveys is not null && target.Surveys.IsSubsetOf(caller.Surveys)),
            $"{caller.Id} could {what} {target.Id}, which reaches surveys it does not");
        Assert.True(roles[caller.Owner] != OrgRole.Member || target.Owner == caller.Owner, $"a member's key could {what} another's key");
    }

    /// <summary>What the model says: no killed key on the way up, owner a member, not expired, not stopped by a roll.</summary>
    private bool Works(Key key)
    {
        if (key.Stopped || roles[key.Owner] is null || key.Expires is { } e && e <= Now) return false;
        for (Key? k = key; k is not null; k = k.Parent is { } p ? keys[p] : null)
        {
            if (k.Killed) return false;
        }
        return true;
    }

    private async Task CheckAsync(string org, string context)
    {
        var rows = await factory.Data.WithDb(db => db.ApiKeys.AsNoTracking().Where(k => k.OrganizationId == org).ToDictionaryAsync(k => k.Id));
        var members = await factory.Data.WithDb(db => db.Memberships.Where(m => m.OrganizationId == org).Select(m => m.UserId).ToListAsync());
        foreach (var key in keys.Values.Where(k => !k.Deleted))
        {
            var status = (await factory.ApiClient(key.Secret, org).GetAsync("/api/no-such-endpoint")).StatusCode;
            var works = status != HttpStatusCode.Unauthorized;
            Assert.True(works == Works(key), $"{context}: {key.Id} {(works ? "works" : "is refused")}, the model says otherwise");
            var row = rows[key.Id];
            Assert.True(row.ParentKeyId == key.Parent, $"{context}: {key.Id}'s parent is {row.ParentKeyId}, expected {key.Parent}");
            if (!works) continue;

            // The promise, read from the database alone.
            Assert.True(members.Contains(key.Owner), $"{context}: {key.Id} works though its owner is not a member");
            if (row.ParentKeyId is { } parentId && rows.TryGetValue(parentId, out var parent))
            {
                Assert.True((row.Scopes & ~parent.Scopes) == 0, $"{context}: {key.Id} has scopes beyond its parent's");
                Assert.True(parent.SurveyIds is null || (row.SurveyIds is not null && !row.SurveyIds.Except(parent.SurveyIds).Any()),
                    $"{context}: {key.Id} reaches surveys beyond its parent's");
                Assert.True(parent.ExpiresAt is null || (row.ExpiresAt is not null && row.ExpiresAt <= parent.ExpiresAt),
                    $"{context}: {key.Id} outlives its parent {parentId}");
                Assert.True(parent.RevokedAt is null, $"{context}: {key.Id} works though its parent {parentId} is revoked");
            }
            else
            {
                Assert.True(row.ParentKeyId is null, $"{context}: {key.Id} works though its parent {row.ParentKeyId} was deleted");
            }
        }
    }
}

public sealed class KeyChainInvariantTestsOnSqlite(QuestraFactory factory) : KeyChainInvariantTests(factory), IClassFixture<QuestraFactory>;

public sealed class KeyChainInvariantTestsOnPostgres(PostgresFactory factory) : KeyChainInvariantTests(factory), IClassFixture<PostgresFactory>;
