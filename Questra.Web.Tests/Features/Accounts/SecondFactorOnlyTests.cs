using System.Net;
using Questra.Web.Features.Mfa;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>The only second factor is TOTP (and recovery codes): no passkey or external sign-in, no browser remembered past a 2FA change.</summary>
public class SecondFactorOnlyTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    [Theory]
    [InlineData("GET", "/Account/Manage/Passkeys")]
    [InlineData("GET", "/Account/Manage/RenamePasskey/abc")]
    [InlineData("GET", "/Account/Manage/ExternalLogins")]
    [InlineData("GET", "/Account/ExternalLogin")]
    [InlineData("POST", "/Account/PasskeyRequestOptions")]
    [InlineData("POST", "/Account/PasskeyCreationOptions")]
    [InlineData("POST", "/Account/PerformExternalLogin")]
    [InlineData("POST", "/Account/Manage/LinkExternalLogin")]
    public async Task PasskeyAndExternalLoginRoutes_AreGone(string method, string path)
    {
        var answer = await factory.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        // No endpoint: a page route answers 404, a POST nobody handles 400 (no form handler); never passkey options.
        Assert.Contains(answer.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed, HttpStatusCode.BadRequest });
        Assert.DoesNotContain("challenge", await answer.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
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
        string NextCode()
        {
            factory.Clock.Advance(TimeSpan.FromSeconds(AuthenticatorCodes.StepSeconds));
            return AuthenticatorCodes.Compute(key, factory.Clock.GetUtcNow());
        }
        var browser = FormClient.For(factory);
        var first = await browser.PostFormAsync("/Account/Login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = TestData.Password });
        await browser.PostFormAsync(first.Headers.Location!.OriginalString, "login-with-2fa",
            new() { ["Input.TwoFactorCode"] = NextCode(), ["Input.RememberMachine"] = "true" });
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
