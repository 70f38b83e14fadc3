using System.Net;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>The 401 row of the error table: each cause answers with its own description.</summary>
public abstract class AuthenticationTests(QuestraFactory factory)
{
    private static async Task<string> Assert401(HttpResponseMessage response)
    {
        var detail = await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("Bearer", challenge);
        Assert.Contains("error=\"invalid_token\"", challenge);
        Assert.Contains($"error_description=\"{detail.Replace("\"", "'")}\"", challenge);
        return detail;
    }

    private async Task<HttpResponseMessage> GetSurveys(Action<HttpRequestMessage> setup)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/surveys");
        setup(request);
        return await factory.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task NoAuthorizationHeader_Returns401_SayingItIsMissing()
    {
        var detail = await Assert401(await GetSurveys(r => r.Headers.Add("X-Org-Id", "org_abc")));
        Assert.Contains("No Authorization header", detail);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz", "Bearer scheme")]
    [InlineData("Bearer", "Bearer scheme")]
    [InlineData("Bearer    ", "Bearer scheme")]
    [InlineData("Bearer abc", "not a Questra API key")]
    [InlineData("Bearer sk_live_tooShort", "malformed")]
    public async Task GarbledAuthorizationHeader_Returns401_SayingWhy(string header, string expected)
    {
        var detail = await Assert401(await GetSurveys(r => r.Headers.TryAddWithoutValidation("Authorization", header)));
        Assert.Contains(expected, detail);
    }

    [Fact]
    public async Task BadChecksum_Returns401_SayingMistyped()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, secret) = await factory.Data.KeyAsync(org, owner);
        var last = secret[^1] == 'A' ? 'B' : 'A';

        var detail = await Assert401(await factory.ApiClient(secret[..^1] + last, org).GetAsync("/api/surveys"));

        Assert.Contains("checksum", detail);
    }

    [Fact]
    public async Task WellFormedUnknownKey_Returns401_SayingNotRecognised()
    {
        var detail = await Assert401(await factory.ApiClient(ApiKeySecret.Generate(), "org_abc").GetAsync("/api/surveys"));
        Assert.Contains("not recognised", detail);
    }

    [Fact]
    public async Task RevokedKey_Returns401OnTheVeryNextRequest()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/api-keys/{id}/revoke", null)).StatusCode);

        Assert.Contains("revoked", await Assert401(await client.GetAsync("/api/surveys")));
    }

    [Fact]
    public async Task DeletedKey_Returns401OnTheVeryNextRequest_SayingDeleted()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (id, secret) = await factory.Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/api-keys/{id}")).StatusCode);

        Assert.Contains("deleted", await Assert401(await client.GetAsync("/api/surveys")));
    }

    [Fact]
    public async Task ExpiredKey_Returns401AtOnce()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, secret) = await factory.Data.KeyAsync(org, owner, expiresAt: factory.Clock.GetUtcNow().AddDays(30));
        var client = factory.ApiClient(secret, org);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);

        factory.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Contains("expired", await Assert401(await client.GetAsync("/api/surveys")));
    }

    [Fact]
    public async Task OwnerLeftTheOrg_KeyStops()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var admin = await factory.Data.UserAsync();
        await factory.Data.AddMemberAsync(org, admin, Questra.Web.Features.Organizations.OrgRole.Admin);
        var (_, secret) = await factory.Data.KeyAsync(org, admin);
        var client = factory.ApiClient(secret, org);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);

        await factory.Data.RemoveMemberAsync(org, admin);

        Assert.Contains("revoked", await Assert401(await client.GetAsync("/api/surveys")));

        // Adding them back brings no key back.
        await factory.Data.AddMemberAsync(org, admin, Questra.Web.Features.Organizations.OrgRole.Admin);
        Assert.Contains("revoked", await Assert401(await client.GetAsync("/api/surveys")));
    }

    [Fact]
    public async Task OwnersMembershipGoneWithTheirAccount_KeyStops()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var admin = await factory.Data.UserAsync();
        await factory.Data.AddMemberAsync(org, admin, Questra.Web.Features.Organizations.OrgRole.Admin);
        var (_, secret) = await factory.Data.KeyAsync(org, admin);

        // As when the account is deleted: the membership row goes with the user, the key row stays.
        await factory.Data.WithDb(db => db.Memberships.Where(m => m.UserId == admin).ExecuteDeleteAsync());

        Assert.Contains("no longer a member", await Assert401(await factory.ApiClient(secret, org).GetAsync("/api/surveys")));
    }

    [Fact]
    public async Task Cookies_AreIgnoredByTheApi()
    {
        var response = await GetSurveys(r =>
        {
            r.Headers.Add("X-Org-Id", "org_abc");
            r.Headers.Add("Cookie", ".AspNetCore.Identity.Application=forged");
        });
        await Assert401(response);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }
}

public sealed class AuthenticationTestsOnSqlite(QuestraFactory factory) : AuthenticationTests(factory), IClassFixture<QuestraFactory>;

public sealed class AuthenticationTestsOnPostgres(PostgresFactory factory) : AuthenticationTests(factory), IClassFixture<PostgresFactory>;
