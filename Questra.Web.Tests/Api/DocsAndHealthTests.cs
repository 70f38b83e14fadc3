using System.Net;
using System.Text.Json;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

public class DocsAndHealthTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    [Fact]
    public async Task OpenApiDocument_DescribesEveryEndpoint()
    {
        var doc = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/api/openapi/v1.json")).RootElement;
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Equal("Questra API", doc.GetProperty("info").GetProperty("title").GetString());
        Assert.Contains("/api/surveys", paths);
        Assert.Contains("/api/surveys/{id}", paths);
        Assert.Contains("/api/surveys/{id}/metrics/responses", paths);
        Assert.Contains("/api/api-keys/{id}/roll", paths);
    }

    [Fact]
    public async Task ReDocPage_And_Health_AreServed()
    {
        var client = factory.CreateClient();
        var docs = await client.GetAsync("/api/docs/");
        var script = await client.GetStringAsync("/api/docs/index.js");
        var health = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        var html = await docs.Content.ReadAsStringAsync();
        Assert.Contains("<title>Questra API</title>", html);
        Assert.Contains("<html lang=\"en\">", html);
        Assert.Contains("<main id=\"redoc-container\"", html);
        Assert.Contains("<a href=\"/\">", html);
        // Nothing from elsewhere: no web fonts or scripts from a third party.
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
        Assert.Contains("Redoc.init(\"/api/openapi/v1.json\"", script);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }
}
