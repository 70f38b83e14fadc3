using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>
/// The OpenAPI document states the contract the endpoints enforce: who may call each operation (the Bearer key,
/// the X-Org-Id header, the scope), the paging parameters and their bounds, and each request body's shape and
/// whether it is required. A new endpoint that binds a body or a page by hand, or skips the key, shows up here.
/// </summary>
public class OpenApiContractTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    private async Task<JsonElement> DocumentAsync() =>
        JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/api/openapi/v1.json")).RootElement;

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement doc) =>
        doc.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(m => m.Name is "get" or "post" or "put" or "delete").Select(m => (p.Name, m.Name, m.Value)));

    private static JsonElement Operation(JsonElement doc, string id) =>
        Operations(doc).Single(o => o.Operation.TryGetProperty("operationId", out var name) && name.GetString() == id).Operation;

    /// <summary>A schema with its <c>$ref</c> followed.</summary>
    private static JsonElement Resolve(JsonElement doc, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? doc.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;

    [Fact]
    public async Task TheKeyAndTheOrganizationHeader_AreSecuritySchemes()
    {
        var schemes = (await DocumentAsync()).GetProperty("components").GetProperty("securitySchemes");

        Assert.Equal("http", schemes.GetProperty("Bearer").GetProperty("type").GetString());
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.Equal("apiKey", schemes.GetProperty("OrgId").GetProperty("type").GetString());
        Assert.Equal("header", schemes.GetProperty("OrgId").GetProperty("in").GetString());
        Assert.Equal("X-Org-Id", schemes.GetProperty("OrgId").GetProperty("name").GetString());
    }

    [Fact]
    public async Task EveryKeyedOperation_RequiresBoth_AndNamesItsScope_TheLeakReportNeither()
    {
        var doc = await DocumentAsync();
        var operations = Operations(doc).ToList();
        Assert.True(operations.Count >= 20, $"only {operations.Count} operations documented");

        foreach (var (path, method, operation) in operations)
        {
            var id = operation.GetProperty("operationId").GetString();
            if (id == "ReportLeakedCredentials")
            {
                Assert.False(operation.TryGetProperty("security", out _), "the leak report needs no key");
                continue;
            }
            Assert.True(operation.TryGetProperty("security", out var security), $"{method} {path} documents no security");
            var requirement = Assert.Single(security.EnumerateArray());
            var scopes = requirement.GetProperty("Bearer").EnumerateArray().Select(s => s.GetString()).ToList();
            Assert.Matches("^(surveys:read|responses:read|api_keys:read|api_keys:write)$", Assert.Single(scopes));
            Assert.Empty(requirement.GetProperty("OrgId").EnumerateArray());
        }
        var bearer = (string id) => Operation(doc, id).GetProperty("security")[0].GetProperty("Bearer")[0].GetString();
        Assert.Equal("surveys:read", bearer("ListSurveys"));
        Assert.Equal("responses:read", bearer("GetQuestionMetrics"));
        Assert.Equal("api_keys:write", bearer("CreateApiKey"));
    }

    [Theory]
    [InlineData("ListSurveys")]
    [InlineData("ListApiKeys")]
    public async Task PagedLists_DocumentTheirParameters_WithBounds(string id)
    {
        var parameters = Operation(await DocumentAsync(), id).GetProperty("parameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p);

        foreach (var name in new[] { "limit", "page_size" })
        {
            Assert.Equal("query", parameters[name].GetProperty("in").GetString());
            Assert.Equal(1, parameters[name].GetProperty("schema").GetProperty("minimum").GetInt32());
            Assert.Equal(100, parameters[name].GetProperty("schema").GetProperty("maximum").GetInt32());
        }
        Assert.Equal(1, parameters["page"].GetProperty("schema").GetProperty("minimum").GetInt32());
        Assert.Equal("string", parameters["cursor"].GetProperty("schema").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("CreateApiKey", true, "name,expires_at,scopes,survey_ids,allowed_ips")]
    [InlineData("SetApiKeyAllowedIps", true, "allowed_ips")]
    [InlineData("RollApiKey", false, "grace_period_hours")]
    [InlineData("CreateWebhookEndpoint", true, "url,events,description")]
    [InlineData("ReportLeakedCredentials", true, "credentials")]
    public async Task RequestBodies_AreDocumented_InTheWireNames(string id, bool required, string properties)
    {
        var doc = await DocumentAsync();
        var body = Operation(doc, id).GetProperty("requestBody");

        Assert.Equal(required, body.TryGetProperty("required", out var r) && r.GetBoolean());
        var schema = Resolve(doc, body.GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Equal(properties.Split(',').Order(), schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
    }

    /// <summary>Every endpoint that binds a body or a page, by its metadata, is documented with it: none is left out of the test above.</summary>
    [Fact]
    public async Task EveryEndpointThatBindsABodyOrAPage_DocumentsIt()
    {
        var doc = await DocumentAsync();
        var endpoints = factory.Services.GetServices<Microsoft.AspNetCore.Routing.EndpointDataSource>()
            .SelectMany(source => source.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IEndpointNameMetadata>() is not null)
            .ToList();
        var withBody = endpoints.Where(e => e.Metadata.GetMetadata<Questra.Web.Api.JsonBodyMetadata>() is not null).ToList();
        var paged = endpoints.Where(e => e.Metadata.GetMetadata<Questra.Web.Api.PagedList>() is not null).ToList();
        Assert.True(withBody.Count >= 6, $"only {withBody.Count} endpoints bind a body");
        Assert.True(paged.Count >= 2, $"only {paged.Count} endpoints bind a page");

        foreach (var endpoint in withBody)
        {
            var id = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IEndpointNameMetadata>()!.EndpointName;
            Assert.True(Operation(doc, id).TryGetProperty("requestBody", out _), $"{id} binds a body the document does not show");
        }
        foreach (var endpoint in paged)
        {
            var id = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IEndpointNameMetadata>()!.EndpointName;
            var names = Operation(doc, id).GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
            Assert.Subset(new HashSet<string?>(names), new HashSet<string?> { "limit", "cursor", "page", "page_size" });
        }
    }

    [Fact]
    public async Task ReadOperations_HaveNoRequestBody()
    {
        var doc = await DocumentAsync();

        Assert.All(Operations(doc).Where(o => o.Method == "get"), o => Assert.False(o.Operation.TryGetProperty("requestBody", out _), o.Path));
    }
}
