using System.Net;
using System.Net.Http.Json;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>Rule 9 after authentication: X-Org-Id (400/403), then scope (403).</summary>
public abstract class OrgHeaderAndScopeTests(QuestraFactory factory)
{
    [Fact]
    public async Task MissingOrgHeader_Returns400()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, secret) = await factory.Data.KeyAsync(org, owner);

        var detail = await Problem.AssertAsync(await factory.ApiClient(secret, null).GetAsync("/api/surveys"), HttpStatusCode.BadRequest);

        Assert.Contains("X-Org-Id header is required", detail);
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("org_")]
    [InlineData("org_abc/../x")]
    [InlineData("org_' OR 1=1 --")]
    public async Task MalformedOrgHeader_Returns400(string value)
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, secret) = await factory.Data.KeyAsync(org, owner);

        var detail = await Problem.AssertAsync(await factory.ApiClient(secret, value).GetAsync("/api/surveys"), HttpStatusCode.BadRequest);

        Assert.Contains("malformed", detail);
    }

    [Fact]
    public async Task AnotherOrgsId_Returns403()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (other, _) = await factory.Data.OrgWithOwnerAsync();
        await factory.Data.AddMemberAsync(other, owner, Questra.Web.Features.Organizations.OrgRole.Owner);
        var (_, secret) = await factory.Data.KeyAsync(org, owner);

        var detail = await Problem.AssertAsync(await factory.ApiClient(secret, other).GetAsync("/api/surveys"), HttpStatusCode.Forbidden);

        Assert.Contains("another organization", detail);
    }

    [Fact]
    public async Task UnauthenticatedWithBadOrgHeader_StillAnswers401First()
    {
        var response = await factory.ApiClient(null, "bad").GetAsync("/api/surveys");
        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("GET", "/api/surveys", "surveys:read")]
    [InlineData("GET", "/api/api-keys", "api_keys:read")]
    [InlineData("POST", "/api/api-keys", "api_keys:write")]
    public async Task KeyWithoutTheScope_Returns403_NamingTheScope(string method, string path, string scope)
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, secret) = await factory.Data.KeyAsync(org, owner, scopes: ["responses:read"]);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = JsonContent.Create(new { name = "x" });

        var detail = await Problem.AssertAsync(await factory.ApiClient(secret, org).SendAsync(request), HttpStatusCode.Forbidden);

        Assert.Contains($"lacks the '{scope}' scope", detail);
    }

    [Fact]
    public async Task DataAccessKey_CannotReadMetricsWithoutResponsesScope_ButSurveysKeyCan()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.SurveyAsync(org, owner);
        var (_, surveysOnly) = await factory.Data.KeyAsync(org, owner, scopes: ["surveys:read"]);
        var (_, data) = await factory.Data.KeyAsync(org, owner, scopes: ["surveys:read", "responses:read"]);

        await Problem.AssertAsync(await factory.ApiClient(surveysOnly, org).GetAsync($"/api/surveys/{survey}/metrics/responses"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(data, org).GetAsync($"/api/surveys/{survey}/metrics/responses")).StatusCode);
    }

    [Fact]
    public async Task UnknownApiPath_Returns404ProblemJson()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, secret) = await factory.Data.KeyAsync(org, owner);

        await Problem.AssertAsync(await factory.ApiClient(secret, org).GetAsync("/api/nothing-here"), HttpStatusCode.NotFound);
    }
}

public sealed class OrgHeaderAndScopeTestsOnSqlite(QuestraFactory factory) : OrgHeaderAndScopeTests(factory), IClassFixture<QuestraFactory>;

public sealed class OrgHeaderAndScopeTestsOnPostgres(PostgresFactory factory) : OrgHeaderAndScopeTests(factory), IClassFixture<PostgresFactory>;
