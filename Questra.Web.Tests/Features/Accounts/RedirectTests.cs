using System.Net;
using Questra.Web.Features.Accounts;
using Questra.Web.Features.Mfa;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>After sign-in, a ReturnUrl from anyone leads only to a page of this app — never elsewhere, never a 500.</summary>
public class RedirectTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    public static TheoryData<string> Hostile =>
    [
        "https://evil.example", "http://evil.example/", "HTTPS://EVIL.EXAMPLE", "//evil.example", "///evil.example",
        "////evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "\\/evil.example",
        "http://localhost///evil.example", "http://localhost/\\/evil.example", "http://localhost//evil.example",
        "%2F%2Fevil.example", "/%2F%2Fevil.example", "/%2Fevil.example", "%2F%5Cevil.example", "/%5Cevil.example",
        "%252F%252Fevil.example", "/%252F%252Fevil.example", "/%25252F%25252Fevil.example",
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
        "/\t/evil.example", "/%09/evil.example", "\t//evil.example", " //evil.example",
        "/%0d%0aLocation:%20http://evil.example", "\r\nLocation: http://evil.example",
        "https:evil.example", "http:/evil.example", "ftp://evil.example", "http://localhost@evil.example/",
        new string('/', 5000), "\u0000//evil.example", "/\u2028/evil.example", "/\u00A0/evil.example",
    ];

    /// <summary>Odd but harmless: each may stay a path of this app, none may fail or leave it.</summary>
    public static TheoryData<string> Odd => ["/%", "%", "/%zz", "/settings/%", "/" + new string('a', 5000)];

    private static void AssertStaysInTheApp(HttpResponseMessage answer, string returnUrl)
    {
        Assert.True(answer.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther,
            $"{returnUrl}: {(int)answer.StatusCode}");
        var location = answer.Headers.Location?.OriginalString ?? "";
        var resolved = new Uri(new Uri("http://localhost/"), location);
        Assert.True(resolved.Host == "localhost" && resolved.Scheme == "http", $"{returnUrl} led to {location}");
        Assert.DoesNotContain('\\', location);
        Assert.DoesNotContain("//evil", resolved.AbsoluteUri);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void LocalRedirect_SendsEveryHostileTargetHome(string target)
    {
        Assert.Equal("/", LocalRedirect.ToLocalPath(target, "http://localhost/"));
    }

    [Theory]
    [MemberData(nameof(Odd))]
    public async Task OddReturnUrls_StayInTheApp_InTheHelperAndThroughSignIn(string target)
    {
        var path = LocalRedirect.ToLocalPath(target, "http://localhost/");
        Assert.StartsWith("/", path);
        Assert.False(path.StartsWith("//", StringComparison.Ordinal));
        var email = await factory.Data.EmailOfAsync(await factory.Data.UserAsync(mfa: false));

        AssertStaysInTheApp(await FormClient.For(factory).LogInAsync(email, TestData.Password, target), target);
    }

    [Theory]
    [InlineData("/settings", "/settings")]
    [InlineData("/settings/api-keys?page=2#top", "/settings/api-keys?page=2#top")]
    [InlineData("Account/Lockout", "/Account/Lockout")]
    [InlineData("http://localhost/settings", "/settings")]
    [InlineData("/Account/LoginWith2fa?returnUrl=%2Fsettings&rememberMe=False", "/Account/LoginWith2fa?returnUrl=%2Fsettings&rememberMe=False")]
    [InlineData("", "/")]
    [InlineData(null, "/")]
    public void LocalRedirect_KeepsPathsOfThisApp(string? target, string expected)
    {
        Assert.Equal(expected, LocalRedirect.ToLocalPath(target, "http://localhost/"));
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task PasswordSignIn_WithAHostileReturnUrl_LandsInTheApp(string returnUrl)
    {
        var email = await factory.Data.EmailOfAsync(await factory.Data.UserAsync(mfa: false));

        var answer = await FormClient.For(factory).LogInAsync(email, TestData.Password, returnUrl);

        AssertStaysInTheApp(answer, returnUrl);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task TwoFactorSignIn_WithAHostileReturnUrl_LandsInTheApp(string returnUrl)
    {
        var (_, email, key) = await factory.Data.EnrolledUserAsync();
        var client = FormClient.For(factory);

        var answer = await client.LogInAsync(email, TestData.Password, returnUrl, () => AuthenticatorCodes.Compute(key, factory.Clock.GetUtcNow()));

        AssertStaysInTheApp(answer, returnUrl);
        Assert.DoesNotContain("LoginWith2fa", answer.Headers.Location!.OriginalString); // signed in, not sent back
    }

    [Fact]
    public async Task SignIn_WithAnAppPath_GoesThere()
    {
        var email = await factory.Data.EmailOfAsync(await factory.Data.UserAsync(mfa: false));

        var answer = await FormClient.For(factory).LogInAsync(email, TestData.Password, "/settings/api-keys");

        Assert.EndsWith("/settings/api-keys", answer.Headers.Location!.OriginalString);
    }
}
