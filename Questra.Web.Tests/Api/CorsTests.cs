using Microsoft.AspNetCore.Hosting;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

public sealed class CorsFactory : QuestraFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Cors:AllowedOrigins:0", "https://bi.example.test");
    }
}

public class CorsTests(CorsFactory configured) : IClassFixture<CorsFactory>
{
    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/surveys");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,x-org-id");
        return request;
    }

    [Fact]
    public async Task ListedOrigin_IsAllowed_OthersAreNot()
    {
        var client = configured.CreateClient();

        var listed = await client.SendAsync(Preflight("https://bi.example.test"));
        var other = await client.SendAsync(Preflight("https://evil.example.test"));

        Assert.Equal("https://bi.example.test", listed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ByDefault_NoOriginIsAllowed()
    {
        using var plain = new QuestraFactory();

        var response = await plain.CreateClient().SendAsync(Preflight("https://bi.example.test"));

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
