using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

public abstract class ConcurrencyTests(QuestraFactory factory)
{
    private sealed record Outcome(string Op, string Target, HttpStatusCode Status, JsonElement? Body);

    [Fact]
    public async Task FiftyEachOfCreateRevokeRollDelete_InParallel_NoServerError_NoDuplicates_ConsistentEnd()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (adminKeyId, admin) = await factory.Data.KeyAsync(org, owner, name: "admin");
        var targets = new List<string>();
        for (var i = 0; i < 50; i++) targets.Add((await factory.Data.KeyAsync(org, owner, name: $"t{i}")).Id);
        var client = factory.ApiClient(admin, org);

        async Task<Outcome> Send(string op, string target, Func<Task<HttpResponseMessage>> call)
        {
            var response = await call();
            var text = await response.Content.ReadAsStringAsync();
            return new Outcome(op, target, response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement : null);
        }

        // Every target key is revoked, rolled and deleted at the same time as 50 keys are created.
        var work = new List<Task<Outcome>>();
        for (var i = 0; i < 50; i++)
        {
            var n = i;
            var t = targets[i];
            work.Add(Send("create", "", () => client.PostAsJsonAsync("/api/api-keys", new { name = $"new{n}" })));
            work.Add(Send("revoke", t, () => client.PostAsync($"/api/api-keys/{t}/revoke", null)));
            work.Add(Send("roll", t, () => client.PostAsJsonAsync($"/api/api-keys/{t}/roll", new { grace_period_hours = 1 })));
            work.Add(Send("delete", t, () => client.DeleteAsync($"/api/api-keys/{t}")));
        }
        var outcomes = await Task.WhenAll(work);

        var failed = outcomes.Where(o => (int)o.Status >= 500).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} answered 5xx, first: {failed.FirstOrDefault()}; the app said: "
            + string.Join(" | ", factory.Logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal))));
        Assert.All(outcomes.Where(o => o.Op == "create"), o => Assert.Equal(HttpStatusCode.Created, o.Status));
        Assert.All(outcomes.Where(o => o.Op != "create"), o => Assert.Contains(o.Status, new[] { HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.Conflict }));

        var minted = outcomes.Where(o => o.Status == HttpStatusCode.Created).Select(o => o.Body!.Value).ToList();
        Assert.Equal(minted.Count, minted.Select(m => m.GetProperty("secret").GetString()).Distinct().Count());
        Assert.Equal(minted.Count, minted.Select(m => m.GetProperty("id").GetString()).Distinct().Count());

        var stored = await factory.Data.WithDb(db => db.ApiKeys.Where(k => k.OrganizationId == org).ToDictionaryAsync(k => k.Id));
        // Every key whose creation (or roll) answered 201 exists and authenticates, unless ...
        foreach (var m in minted)
        {
            Assert.True(stored.ContainsKey(m.GetProperty("id").GetString()!));
            Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(m.GetProperty("secret").GetString(), org).GetAsync("/api/surveys")).StatusCode);
        }
        foreach (var t in targets)
        {
            var deleted = outcomes.Any(o => o.Op == "delete" && o.Target == t && o.Status == HttpStatusCode.NoContent);
            var revoked = outcomes.Any(o => o.Op == "revoke" && o.Target == t && o.Status == HttpStatusCode.OK);
            var rolled = outcomes.Any(o => o.Op == "roll" && o.Target == t && o.Status == HttpStatusCode.Created);
            // ... a delete that succeeded removed the key for good; otherwise revoke and roll left their marks.
            Assert.Equal(!deleted, stored.ContainsKey(t));
            if (!deleted && revoked) Assert.NotNull(stored[t].RevokedAt);
            if (!deleted && rolled) Assert.NotNull(stored[t].ReplacedByKeyId);
        }
        Assert.True(stored.ContainsKey(adminKeyId));
        Assert.Equal(stored.Count, stored.Values.Select(k => Convert.ToHexString(k.SecretHash)).Distinct().Count());
    }

    [Fact]
    public async Task ChildrenMintedWhileTheParentIsBeingRevoked_NoneIsLeftWorking()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, admin) = await factory.Data.KeyAsync(org, owner, name: "admin");
        for (var round = 0; round < 5; round++)
        {
            var (parentId, parent) = await factory.Data.KeyAsync(org, owner, name: $"leaked {round}");
            var leaked = factory.ApiClient(parent, org);
            Assert.Equal(HttpStatusCode.OK, (await leaked.GetAsync("/api/surveys")).StatusCode); // cached, as a busy key is

            // An attacker mints children as fast as possible while an admin revokes the leaked key.
            var creates = Enumerable.Range(0, 20).Select(i => leaked.PostAsJsonAsync("/api/api-keys", new { name = $"c{i}" })).ToList();
            var revoke = factory.ApiClient(admin, org).PostAsync($"/api/api-keys/{parentId}/revoke", null);
            var answers = await Task.WhenAll(creates);
            Assert.Equal(HttpStatusCode.OK, (await revoke).StatusCode);

            Assert.DoesNotContain(answers, a => (int)a.StatusCode >= 500);
            foreach (var created in answers.Where(a => a.StatusCode == HttpStatusCode.Created))
            {
                var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString();
                Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient(secret, org).GetAsync("/api/surveys")).StatusCode);
            }
            var children = await factory.Data.WithDb(db => db.ApiKeys.Where(k => k.ParentKeyId == parentId).Select(k => k.RevokedAt).ToListAsync());
            Assert.All(children, r => Assert.NotNull(r));
        }
    }

    [Fact]
    public async Task ChildRolledWhileItsParentIsBeingRevoked_TheReplacementStopsToo()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, admin) = await factory.Data.KeyAsync(org, owner, name: "admin");
        var adminClient = factory.ApiClient(admin, org);
        for (var round = 0; round < 10; round++)
        {
            var (parentId, parent) = await factory.Data.KeyAsync(org, owner, name: $"parent {round}");
            var made = await factory.ApiClient(parent, org).PostAsJsonAsync("/api/api-keys", new { name = $"child {round}" });
            Assert.Equal(HttpStatusCode.Created, made.StatusCode);
            var childId = JsonDocument.Parse(await made.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

            // The child is rolled (its replacement hangs under the parent) while the parent is revoked.
            var roll = adminClient.PostAsJsonAsync($"/api/api-keys/{childId}/roll", new { grace_period_hours = 0 });
            var revoke = adminClient.PostAsync($"/api/api-keys/{parentId}/revoke", null);
            var (rolled, revoked) = (await roll, await revoke);
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            Assert.Contains(rolled.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict });

            if (rolled.StatusCode == HttpStatusCode.Created)
            {
                var secret = JsonDocument.Parse(await rolled.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString();
                Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient(secret, org).GetAsync("/api/surveys")).StatusCode);
            }
            var under = await factory.Data.WithDb(db => db.ApiKeys.Where(k => k.ParentKeyId == parentId).Select(k => k.RevokedAt).ToListAsync());
            Assert.NotEmpty(under);
            Assert.All(under, r => Assert.NotNull(r));
        }
    }
}

public sealed class ConcurrencyTestsOnSqlite(QuestraFactory factory) : ConcurrencyTests(factory), IClassFixture<QuestraFactory>;

public sealed class ConcurrencyTestsOnPostgres(PostgresFactory factory) : ConcurrencyTests(factory), IClassFixture<PostgresFactory>;
