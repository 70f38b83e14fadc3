using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>
/// The key check reads a key's line, not only its own row: a key under a revoked, deleted or expired ancestor is
/// refused even when its row says nothing (a child made or rolled at the moment of a revocation can escape the
/// cascade's writes). Here the rows are changed behind the services' back, as such a race would leave them.
/// </summary>
public class AncestorCheckTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    private async Task<(string Org, string ParentId, string ChildId, string Child)> ChildOfAKeyAsync()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (parentId, parent) = await factory.Data.KeyAsync(org, owner, name: "parent");
        var made = await factory.ApiClient(parent, org).PostAsJsonAsync("/api/api-keys", new { name = "child" });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var body = JsonDocument.Parse(await made.Content.ReadAsStringAsync()).RootElement;
        return (org, parentId, body.GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!);
    }

    // Every instance's key cache is emptied when keys change; a row changed by hand needs the same.
    private Task<bool> ForgetCachedKeysAsync() => factory.Data.WithService<Questra.Web.Features.ApiKeys.ApiKeyCacheSync, bool>(async s => { await s.KeysChangedAsync(); return true; });

    [Fact]
    public async Task AChildWhoseParentIsRevoked_IsRefused_ThoughItsOwnRowIsNot()
    {
        var (org, parentId, childId, child) = await ChildOfAKeyAsync();
        await factory.Data.WithDb(db => db.ApiKeys.Where(k => k.Id == parentId).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTimeOffset.UtcNow)));
        await ForgetCachedKeysAsync();

        var answer = await factory.ApiClient(child, org).GetAsync("/api/surveys");

        await Problem.AssertAsync(answer, HttpStatusCode.Unauthorized);
        Assert.Contains("a key above it", await answer.Content.ReadAsStringAsync());
        Assert.Null(await factory.Data.WithDb(db => db.ApiKeys.Where(k => k.Id == childId).Select(k => k.RevokedAt).SingleAsync()));
    }

    [Fact]
    public async Task AChildWhoseParentIsGone_IsRefused()
    {
        var (org, parentId, _, child) = await ChildOfAKeyAsync();
        await factory.Data.WithDb(db => db.ApiKeys.Where(k => k.Id == parentId).ExecuteDeleteAsync());
        await ForgetCachedKeysAsync();

        await Problem.AssertAsync(await factory.ApiClient(child, org).GetAsync("/api/surveys"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AChild_StopsWhenItsParentExpires_EvenWhenItsOwnRowHasNoExpiry_AndWhileCached()
    {
        var (org, parentId, childId, child) = await ChildOfAKeyAsync();
        var parentEnds = factory.Clock.GetUtcNow().AddMinutes(10);
        await factory.Data.WithDb(db => db.ApiKeys.Where(k => k.Id == parentId).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, parentEnds)));
        await factory.Data.WithDb(db => db.ApiKeys.Where(k => k.Id == childId).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, (DateTimeOffset?)null)));
        await ForgetCachedKeysAsync();
        var client = factory.ApiClient(child, org);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode); // read and cached now

        factory.Clock.Advance(TimeSpan.FromMinutes(11));

        var answer = await client.GetAsync("/api/surveys");
        await Problem.AssertAsync(answer, HttpStatusCode.Unauthorized);
        Assert.Contains("expired", await answer.Content.ReadAsStringAsync());
    }
}
