using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>
/// <c>Idempotency-Key</c> on creating and rolling keys: a repeat never makes a second key, never shows a secret
/// again, and tells the client which key its first request made.
/// </summary>
public abstract class IdempotencyTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    private static HttpRequestMessage Post(string path, string? body, params string[] idempotencyKeys)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        };
        foreach (var key in idempotencyKeys) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return request;
    }

    private Task<int> KeysNamedAsync(string org, string name) =>
        Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org && k.Name == name));

    [Fact]
    public async Task Create_SentTwice_MakesOneKey_AndTheRepeatNamesItWithoutTheSecret()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        var idempotencyKey = Guid.NewGuid().ToString();

        var first = await Problem.JsonAsync(await client.SendAsync(Post("/api/api-keys", """{"name":"nightly"}""", idempotencyKey)), HttpStatusCode.Created);
        var repeat = await client.SendAsync(Post("/api/api-keys", """{"name":"nightly"}""", idempotencyKey));
        var body = await repeat.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Conflict, repeat.StatusCode);
        var problem = JsonDocument.Parse(body).RootElement;
        var id = first.GetProperty("id").GetString()!;
        Assert.Equal(id, problem.GetProperty("key_id").GetString());
        Assert.Equal($"/api/api-keys/{id}", repeat.Headers.Location?.OriginalString);
        Assert.Contains("cannot be shown again", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain(first.GetProperty("secret").GetString()!, body);
        Assert.DoesNotContain("\"secret\"", body);
        Assert.Equal(1, await KeysNamedAsync(org, "nightly"));

        // What is remembered holds no secret: the request's fingerprint and the id of the key it made.
        var record = await Data.WithDb(db => db.IdempotencyRecords.SingleAsync(r => r.OrganizationId == org));
        Assert.Equal(idempotencyKey, record.Key);
        Assert.Equal(id, record.ResultKeyId);
        Assert.Equal(32, record.Fingerprint.Length);
    }

    [Fact]
    public async Task SameIdempotencyKey_WithAnotherBody_Is422_AndMakesNothing()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        await Problem.JsonAsync(await client.SendAsync(Post("/api/api-keys", """{"name":"one"}""", "k-1")), HttpStatusCode.Created);
        var detail = await Problem.AssertAsync(await client.SendAsync(Post("/api/api-keys", """{"name":"two"}""", "k-1")), (HttpStatusCode)422);

        Assert.Contains("different request", detail);
        Assert.Equal(0, await KeysNamedAsync(org, "two"));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("é")]
    public async Task MalformedIdempotencyKey_Is400_AndMakesNothing(string value)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);

        var detail = await Problem.AssertAsync(
            await factory.ApiClient(secret, org).SendAsync(Post("/api/api-keys", """{"name":"bad-header"}""", value)), HttpStatusCode.BadRequest);

        Assert.Contains("Idempotency-Key", detail);
        Assert.Equal(0, await KeysNamedAsync(org, "bad-header"));
    }

    [Fact]
    public async Task TwoIdempotencyKeys_OrOneTooLong_Are400()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        await Problem.AssertAsync(await client.SendAsync(Post("/api/api-keys", """{"name":"x"}""", "a", "b")), HttpStatusCode.BadRequest);
        await Problem.AssertAsync(await client.SendAsync(Post("/api/api-keys", """{"name":"x"}""", new string('k', 256))), HttpStatusCode.BadRequest);
        Assert.Equal(0, await KeysNamedAsync(org, "x"));
    }

    [Fact]
    public async Task ARefusedRequest_IsNotRemembered_SoTheCorrectedOneGoesThroughWithTheSameKey()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        await Problem.AssertAsync(await client.SendAsync(Post("/api/api-keys", """{"name":""}""", "retry-me")), (HttpStatusCode)422);
        await Problem.JsonAsync(await client.SendAsync(Post("/api/api-keys", """{"name":"fixed"}""", "retry-me")), HttpStatusCode.Created);

        Assert.Equal(1, await KeysNamedAsync(org, "fixed"));
    }

    [Fact]
    public async Task IdempotencyKeys_BelongToTheCallingKey()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, a) = await Data.KeyAsync(org, owner);
        var (_, b) = await Data.KeyAsync(org, owner);

        await Problem.JsonAsync(await factory.ApiClient(a, org).SendAsync(Post("/api/api-keys", """{"name":"shared"}""", "same")), HttpStatusCode.Created);
        await Problem.JsonAsync(await factory.ApiClient(b, org).SendAsync(Post("/api/api-keys", """{"name":"shared"}""", "same")), HttpStatusCode.Created);

        Assert.Equal(2, await KeysNamedAsync(org, "shared"));
    }

    [Fact]
    public async Task ConcurrentRepeats_MakeExactlyOneKey()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.SendAsync(Post("/api/api-keys", """{"name":"raced"}""", "race"))));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Equal(1, await KeysNamedAsync(org, "raced"));
    }

    [Fact]
    public async Task Roll_SentTwice_RollsOnce_AndTheRepeatNamesTheReplacement()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        var first = await Problem.JsonAsync(await client.SendAsync(Post($"/api/api-keys/{id}/roll", """{"grace_period_hours":2}""", "roll-1")), HttpStatusCode.Created);
        var repeat = await client.SendAsync(Post($"/api/api-keys/{id}/roll", """{"grace_period_hours":2}""", "roll-1"));

        Assert.Equal(HttpStatusCode.Conflict, repeat.StatusCode);
        var replacement = first.GetProperty("id").GetString()!;
        Assert.Equal(replacement, JsonDocument.Parse(await repeat.Content.ReadAsStringAsync()).RootElement.GetProperty("key_id").GetString());
        var old = await Data.WithDb(db => db.ApiKeys.SingleAsync(k => k.Id == id));
        Assert.Equal(replacement, old.ReplacedByKeyId);
        Assert.Equal(2, await Data.WithDb(db => db.ApiKeys.CountAsync(k => k.OrganizationId == org && k.Name == old.Name)));

        // The same idempotency key with another grace period is another request.
        await Problem.AssertAsync(await client.SendAsync(Post($"/api/api-keys/{id}/roll", """{"grace_period_hours":3}""", "roll-1")), (HttpStatusCode)422);
    }

    [Fact]
    public async Task ARepeatOfADeletedKeysCreation_SaysItWasDeleted()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        var made = await Problem.JsonAsync(await client.SendAsync(Post("/api/api-keys", """{"name":"short-lived"}""", "gone")), HttpStatusCode.Created);
        var id = made.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/api-keys/{id}")).StatusCode);

        var repeat = await client.SendAsync(Post("/api/api-keys", """{"name":"short-lived"}""", "gone"));

        Assert.Equal(HttpStatusCode.Conflict, repeat.StatusCode);
        Assert.Contains("deleted", await repeat.Content.ReadAsStringAsync());
        Assert.Null(repeat.Headers.Location);
        Assert.Equal(0, await KeysNamedAsync(org, "short-lived"));
    }

    [Fact]
    public async Task ARepeatFromAKeyRevokedSince_OrWhoseOwnerLeft_IsRefused_AndTheChildFollowsItsParent()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var admin = await Data.UserAsync();
        await Data.AddMemberAsync(org, admin, Questra.Web.Features.Organizations.OrgRole.Admin);
        var (parentId, parent) = await Data.KeyAsync(org, admin);
        var (_, other) = await Data.KeyAsync(org, admin);
        var (_, ownerKey) = await Data.KeyAsync(org, owner);
        var child = await Problem.JsonAsync(
            await factory.ApiClient(parent, org).SendAsync(Post("/api/api-keys", """{"name":"chain-child"}""", "chain")), HttpStatusCode.Created);
        await Problem.JsonAsync(
            await factory.ApiClient(other, org).SendAsync(Post("/api/api-keys", """{"name":"chain-other"}""", "chain")), HttpStatusCode.Created);

        // The parent is revoked: its repeat is not authenticated, makes nothing, and its child stopped with it.
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(ownerKey, org).PostAsync($"/api/api-keys/{parentId}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await factory.ApiClient(parent, org).SendAsync(Post("/api/api-keys", """{"name":"chain-child"}""", "chain"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient(child.GetProperty("secret").GetString(), org).GetAsync("/api/surveys")).StatusCode);

        // The owner of the other key leaves the organization: its repeat is refused too.
        await Data.RemoveMemberAsync(org, admin);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await factory.ApiClient(other, org).SendAsync(Post("/api/api-keys", """{"name":"chain-other"}""", "chain"))).StatusCode);

        Assert.Equal(1, await KeysNamedAsync(org, "chain-child"));
        Assert.Equal(1, await KeysNamedAsync(org, "chain-other"));
    }

    [Fact]
    public async Task AKeyMadeThroughTheApi_SaysItsSecretMayBeLost_UntilItsFirstUse()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);
        var made = await Problem.JsonAsync(
            await factory.ApiClient(secret, org).SendAsync(Post("/api/api-keys", """{"name":"unheld"}""")), HttpStatusCode.Created);
        var id = made.GetProperty("id").GetString()!;
        var now = factory.Clock.GetUtcNow();

        Assert.True((await Data.WithDb(db => db.ApiKeys.SingleAsync(k => k.Id == id))).SecretMayBeLostAt(now));

        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(made.GetProperty("secret").GetString(), org).GetAsync("/api/surveys")).StatusCode);
        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();

        Assert.False((await Data.WithDb(db => db.ApiKeys.SingleAsync(k => k.Id == id))).SecretMayBeLostAt(now));
    }
}

public sealed class IdempotencyTestsOnSqlite(QuestraFactory factory) : IdempotencyTests(factory), IClassFixture<QuestraFactory>;

public sealed class IdempotencyTestsOnPostgres(PostgresFactory factory) : IdempotencyTests(factory), IClassFixture<PostgresFactory>;
