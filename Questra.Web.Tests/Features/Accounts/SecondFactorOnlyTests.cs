using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>The only second factor is TOTP (and recovery codes): no passkey or external sign-in, no browser remembered past a 2FA change.</summary>
public class SecondFactorOnlyTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    [Theory]
    [InlineData("/Account/Manage/Passkeys")]
    [InlineData("/Account/Manage/RenamePasskey/abc")]
    [InlineData("/Account/Manage/ExternalLogins")]
    [InlineData("/Account/ExternalLogin")]
    public async Task PasskeyAndExternalLoginPages_AreGone(string path)
    {
        // A page that existed would answer 200, or send a stranger to sign in (302).
        var answer = await factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false })
            .GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
    }

    [Fact]
    public void NoPasskeyOrExternalLoginEndpointIsMapped()
    {
        // A POST to a missing route and one refused for its antiforgery token both answer 400: ask the routing table instead.
        var routes = factory.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().Select(e => e.RoutePattern.RawText ?? "").ToList();

        Assert.Contains(routes, r => r.Contains("Account/Logout", StringComparison.OrdinalIgnoreCase)); // the table is the real one
        Assert.DoesNotContain(routes, r => r.Contains("Passkey", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(routes, r => r.Contains("ExternalLogin", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TheLoginPage_OffersNoPasskey()
    {
        var html = await factory.CreateClient().GetStringAsync("/Account/Login");

        Assert.DoesNotContain("passkey", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("webauthn", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ARememberedBrowser_IsForgottenWhenTwoFactorIsTurnedOffAndOn()
    {
        var (id, email, key) = await factory.Data.EnrolledUserAsync();
        var browser = FormClient.For(factory);
        var first = await browser.PostFormAsync("/Account/Login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = TestData.Password });
        await browser.PostFormAsync(first.Headers.Location!.OriginalString, "login-with-2fa",
            new() { ["Input.TwoFactorCode"] = factory.NextAuthenticatorCode(key), ["Input.RememberMachine"] = "true" });
        await browser.PostFormAsync("/Account/Manage", "logout", [], postTo: "/Account/Logout");

        // Remembered: the password alone signs this browser in.
        var remembered = await browser.LogInAsync(email, TestData.Password);
        Assert.DoesNotContain("LoginWith2fa", remembered.Headers.Location!.OriginalString);
        await browser.PostFormAsync("/Account/Manage", "logout", [], postTo: "/Account/Logout");

        // Elsewhere, two-factor is turned off and on again (as after a lost phone).
        await factory.Data.WithService<Microsoft.AspNetCore.Identity.UserManager<Questra.Web.Data.ApplicationUser>, bool>(async users =>
        {
            var user = (await users.FindByIdAsync(id))!;
            await users.SetTwoFactorEnabledAsync(user, false);
            await users.SetTwoFactorEnabledAsync(user, true);
            return true;
        });

        factory.Clock.Advance(TimeSpan.FromSeconds(1)); // the remembered cookie is checked when it is older than the check interval (zero)
        var again = await browser.LogInAsync(email, TestData.Password);
        Assert.Contains("LoginWith2fa", again.Headers.Location!.OriginalString);
    }
}
