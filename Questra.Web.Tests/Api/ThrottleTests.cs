using System.Net;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

public sealed class ThrottledFactory : QuestraFactory
{
    protected override int FailedAuthPerMinute => 20;
}

/// <summary>The 429 row of the error table: too many failed authentications from one client.</summary>
public class ThrottleTests(ThrottledFactory factory) : IClassFixture<ThrottledFactory>
{
    private async Task<HttpResponseMessage> Get(string secret, string org, string clientIp)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/surveys");
        request.Headers.Add("Authorization", $"Bearer {secret}");
        request.Headers.Add("X-Org-Id", org);
        request.Headers.Add(QuestraFactory.ClientIpHeader, clientIp);
        return await factory.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task TwentyFirstFailureInAMinute_Gets429WithRetryAfter_OtherClientsAreUnaffected_AndItEndsWithTheWindow()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, valid) = await factory.Data.KeyAsync(org, owner);
        var attacker = "203.0.113.7";

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Get(ApiKeySecret.Generate(), org, attacker)).StatusCode);
        }
        var blocked = await Get(ApiKeySecret.Generate(), org, attacker);

        await Problem.AssertAsync(blocked, HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(blocked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Get(valid, org, attacker)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get(valid, org, "198.51.100.2")).StatusCode);
        // One warning for the client reaching its limit; no line per refused key (an attacker's flood of bad keys
        // is not a flood of log lines).
        Assert.Single(factory.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(attacker, StringComparison.Ordinal)
            && l.Contains("20 failed API authentications", StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains(nameof(ApiKeyAuthenticationHandler), StringComparison.Ordinal)
            && !l.StartsWith("Warning", StringComparison.Ordinal) && !l.StartsWith("Error", StringComparison.Ordinal));

        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.OK, (await Get(valid, org, attacker)).StatusCode);
    }

    /// <summary>
    /// One broken script behind a shared address (a NAT, an office) must not lock out its neighbours: only failures
    /// are throttled, and a key this instance checked a moment ago still gets through — without any lookup for
    /// keys it does not know, so guessing stays throttled.
    /// </summary>
    [Fact]
    public async Task ClientOverItsFailureLimit_AKnownGoodKeyStillGetsThrough_UnknownKeysStayThrottled()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, neighbour) = await factory.Data.KeyAsync(org, owner, name: "neighbour");
        var (_, unseen) = await factory.Data.KeyAsync(org, owner, name: "not used yet");
        var office = "203.0.113.80";
        Assert.Equal(HttpStatusCode.OK, (await Get(neighbour, org, office)).StatusCode); // known good from now on

        for (var i = 0; i < 20; i++) await Get(ApiKeySecret.Generate(), org, office); // the broken script
        var guess = await Get(ApiKeySecret.Generate(), org, office);
        var knownGood = await Get(neighbour, org, office);
        var notYetKnown = await Get(unseen, org, office);

        await Problem.AssertAsync(guess, HttpStatusCode.TooManyRequests);
        using (var body = System.Text.Json.JsonDocument.Parse(await guess.Content.ReadAsStringAsync()))
        {
            Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", body.RootElement.GetProperty("type").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, knownGood.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, notYetKnown.StatusCode);
    }
}

public sealed class ThrottledBehindProxyFactory : QuestraFactory
{
    protected override int FailedAuthPerMinute => 20;

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ReverseProxy:KnownProxies:0", "127.0.0.1"); // the test server's requests come from loopback
    }
}

/// <summary>Behind a named proxy the throttle counts per real client (X-Forwarded-For); without one that header is ignored.</summary>
public class ForwardedClientTests(ThrottledBehindProxyFactory behindProxy, ThrottledFactory direct)
    : IClassFixture<ThrottledBehindProxyFactory>, IClassFixture<ThrottledFactory>
{
    private static async Task<HttpStatusCode> Fail(QuestraFactory factory, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/surveys");
        request.Headers.Add("Authorization", $"Bearer {ApiKeySecret.Generate()}");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await factory.CreateClient().SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task BehindAKnownProxy_EachForwardedClientHasItsOwnBudget()
    {
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.Unauthorized, await Fail(behindProxy, "203.0.113.40"));

        Assert.Equal(HttpStatusCode.TooManyRequests, await Fail(behindProxy, "203.0.113.40"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Fail(behindProxy, "198.51.100.41"));
    }

    [Fact]
    public async Task WithoutAKnownProxy_ForwardedForIsIgnored_SoItCannotDodgeTheThrottle()
    {
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.Unauthorized, await Fail(direct, $"203.0.113.{i}"));

        Assert.Equal(HttpStatusCode.TooManyRequests, await Fail(direct, "198.51.100.99"));
    }
}
