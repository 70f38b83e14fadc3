using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>Security:RequireHttps decides whether the sign-in, antiforgery and public form cookies are Secure.</summary>
public class SecureCookieTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task Cookies_AreSecure_ExactlyWhenHttpsIsRequired(string requireHttps, bool secure)
    {
        using var factory = new QuestraFactory { Settings = new Dictionary<string, string> { ["Security:RequireHttps"] = requireHttps } };
        var email = await factory.Data.EmailOfAsync(await factory.Data.UserAsync(mfa: false));
        // Required: browsing over HTTPS (as behind TLS), cookies are Secure. Not required (a developer's plain-http
        // localhost): they are not, or the browser would drop them.
        var browser = FormClient.For(factory, https: secure);

        var page = await browser.Http.GetAsync("/Account/Login");
        var signedIn = await browser.LogInAsync(email, TestData.Password);

        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner);
        var form = await browser.Http.GetAsync($"/s/{survey.PublicId}");

        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        // The public form's own cookie: where HTTPS is required, a __Host- cookie (Secure, no Domain, Path=/), which
        // no other host or subdomain can plant.
        var formCookie = form.Headers.GetValues("Set-Cookie").Single(c => c.Contains("questra-form=", StringComparison.Ordinal));
        Assert.Equal(secure, formCookie.StartsWith("__Host-questra-form=", StringComparison.Ordinal));
        Assert.Equal(secure, formCookie.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("domain=", formCookie, StringComparison.OrdinalIgnoreCase);
        var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Identity.Application", StringComparison.Ordinal));
        Assert.Equal(secure, antiforgery.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(secure, session.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        // And never sent over plain http when HTTPS is required: the policy is Always, not "same as the request".
        var expected = secure ? Microsoft.AspNetCore.Http.CookieSecurePolicy.Always : Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
        var services = factory.Services;
        Assert.Equal(expected, services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(IdentityConstants.ApplicationScheme).Cookie.SecurePolicy);
        Assert.Equal(expected, services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.SecurePolicy);
    }
}
