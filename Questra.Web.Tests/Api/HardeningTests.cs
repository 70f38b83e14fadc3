using System.Net;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

public sealed class RateLimitedFactory : QuestraFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ApiKeys:RequestsPerMinutePerKey", "5");
    }
}

public class KeyRateLimitTests(RateLimitedFactory factory) : IClassFixture<RateLimitedFactory>
{
    [Fact]
    public async Task SixthRequestInAMinute_Gets429WithRetryAfter_OtherKeysAreUnaffected_AndTheWindowResets()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, busy) = await factory.Data.KeyAsync(org, owner);
        var (_, calm) = await factory.Data.KeyAsync(org, owner);
        var client = factory.ApiClient(busy, org);

        for (var i = 1; i <= 5; i++)
        {
            var ok = await client.GetAsync("/api/surveys");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("5", ok.Headers.GetValues("RateLimit-Limit").Single());
            Assert.Equal((5 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Headers.GetValues("RateLimit-Remaining").Single());
        }
        var limited = await client.GetAsync("/api/surveys");

        var detail = await Problem.AssertAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Contains("more than 5 requests", detail);
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(calm, org).GetAsync("/api/surveys")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/surveys")).StatusCode);
    }
}

public class HardeningTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/api/surveys")]
    [InlineData("/healthz")]
    public async Task Responses_CarryTheSecurityHeaders(string path)
    {
        var response = await factory.CreateClient().GetAsync(path);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task ApiResponses_NeverSetCookies()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, secret) = await factory.Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        var responses = new[]
        {
            await client.GetAsync("/api/surveys"),
            await client.PostAsync("/api/api-keys", new StringContent("""{"name":"x"}""", Encoding.UTF8, "application/json")),
            await factory.ApiClient(null, org).GetAsync("/api/surveys"),
        };

        Assert.All(responses, r => Assert.False(r.Headers.Contains("Set-Cookie")));
    }

    [Fact]
    public async Task BodyLargerThan64KB_Gets413AndCreatesNothing()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, secret) = await factory.Data.KeyAsync(org, owner);
        var body = $$"""{"name":"{{new string('a', 1024 * 1024)}}"}""";

        var response = await factory.ApiClient(secret, org).PostAsync("/api/api-keys", new StringContent(body, Encoding.UTF8, "application/json"));

        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(1, await factory.Data.WithDb(db => Task.FromResult(db.ApiKeys.Count(k => k.OrganizationId == org))));
    }
}

public class PersistenceTests
{
    [Fact]
    public async Task DataProtectionKeys_SurviveARestart_SoSignInCookiesStayValid()
    {
        var path = DatabaseFiles.NewPath("dp");
        try
        {
            string protectedTicket;
            using (var first = QuestraFactory.OnDatabase(path))
            {
                protectedTicket = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie-test").Protect("signed in");
            }
            using var second = QuestraFactory.OnDatabase(path);

            var unprotected = second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie-test").Unprotect(protectedTicket);

            Assert.Equal("signed in", unprotected);
            Assert.True(await second.Data.WithDb(db => db.DataProtectionKeys.AnyAsync()), "the key ring is kept in the database");
        }
        finally
        {
            DatabaseFiles.Delete(path);
        }
    }
}
