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

    [Fact]
    public async Task Readiness_ChecksTheDatabase_AndSaysSoInJson()
    {
        var ready = await factory.CreateClient().GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("no-store", ready.Headers.CacheControl?.ToString());
        var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("mail is off", report.GetProperty("checks").GetProperty("smtp").GetProperty("description").GetString());
    }
}

/// <summary>Readiness with mail on: an SMTP server that takes connections is healthy; one that does not only degrades it (mail waits).</summary>
public sealed class SmtpReadinessTests
{
    private static QuestraFactory WithSmtpAt(int port) => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["Email:Enabled"] = "true",
            ["Email:From"] = "Questra <no-reply@questra.example>",
            ["Email:PublicBaseUrl"] = "https://questra.example",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
        },
    };

    private static async Task<(HttpStatusCode Status, string Overall, string Smtp)> ReadyAsync(QuestraFactory app)
    {
        var answer = await app.CreateClient().GetAsync("/healthz/ready");
        var report = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        return (answer.StatusCode, report.GetProperty("status").GetString()!, report.GetProperty("checks").GetProperty("smtp").GetProperty("status").GetString()!);
    }

    [Fact]
    public async Task AnSmtpServerThatCannotBeReached_DegradesReadiness_WithoutFailingIt()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        try
        {
            using var up = WithSmtpAt(port);
            Assert.Equal((HttpStatusCode.OK, "Healthy", "Healthy"), await ReadyAsync(up));
        }
        finally
        {
            listener.Stop(); // the port is closed now: connections are refused
        }
        using var down = WithSmtpAt(port);
        Assert.Equal((HttpStatusCode.OK, "Degraded", "Degraded"), await ReadyAsync(down));
    }
}
