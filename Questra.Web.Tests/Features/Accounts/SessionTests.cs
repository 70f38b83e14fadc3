using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Mfa;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>
/// Sign-ins on a running clock: the security stamp is really checked on every request, so these would fail if a
/// change of the stamp signed out the browser that made it, or failed to sign out the others. Each sign-in is a
/// session of its own on the server, which logging out ends.
/// </summary>
public partial class SessionTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    private async Task<FormClient> SignedInAsync(string email, byte[]? key = null)
    {
        var browser = FormClient.For(factory);
        var answer = await browser.LogInAsync(email, TestData.Password, code: key is null ? null : () => factory.NextAuthenticatorCode(key));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.DoesNotContain("/Account/", answer.Headers.Location!.OriginalString);
        return browser;
    }

    private static async Task<bool> IsSignedInAsync(FormClient browser)
    {
        var answer = await browser.Http.GetAsync("/Account/Manage");
        return answer.StatusCode == HttpStatusCode.OK;
    }

    [Fact]
    public async Task Enrolling_InOneGo_ShowsTheRecoveryCodes_KeepsThisBrowserSignedIn_AndSignsOutTheOthers()
    {
        var id = await factory.Data.UserAsync(mfa: false);
        var email = await factory.Data.EmailOfAsync(id);
        var browser = await SignedInAsync(email);
        var other = await SignedInAsync(email);

        // The first visit makes the shared key; the code typed from the app is posted on the next request.
        var page = await (await browser.Http.GetAsync("/Account/Manage/EnableAuthenticator")).Content.ReadAsStringAsync();
        var sharedKey = WebUtility.HtmlDecode(SharedKey().Match(page).Groups[1].Value);
        Assert.True(await IsSignedInAsync(other), "showing the key signed another browser out");
        var key = AuthenticatorCodes.DecodeKey(sharedKey)!;
        var verified = await browser.PostFormAsync("/Account/Manage/EnableAuthenticator", "send-code",
            new() { ["Input.Code"] = factory.NextAuthenticatorCode(key) });

        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.Equal(10, RecoveryCode().Count(await verified.Content.ReadAsStringAsync()));
        Assert.True(await IsSignedInAsync(browser), "the browser that enrolled was signed out");
        Assert.Contains("Two-factor authentication is on", await (await browser.Http.GetAsync("/Account/Manage/TwoFactorAuthentication")).Content.ReadAsStringAsync());
        Assert.False(await IsSignedInAsync(other), "another browser stayed signed in across the change");
    }

    [Fact]
    public async Task ChangingThePassword_KeepsThisBrowser_AndSignsOutTheOthers()
    {
        var (_, email, key) = await factory.Data.EnrolledUserAsync();
        var browser = await SignedInAsync(email, key);
        var other = await SignedInAsync(email, key);

        var changed = await browser.PostFormAsync("/Account/Manage/ChangePassword", "change-password", new()
        {
            ["Input.OldPassword"] = TestData.Password,
            ["Input.NewPassword"] = "Another-Passw0rd-long",
            ["Input.ConfirmPassword"] = "Another-Passw0rd-long",
        });

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.True(await IsSignedInAsync(browser));
        Assert.False(await IsSignedInAsync(other));
    }

    [Fact]
    public async Task LoggingOut_EndsThatBrowsersSession_SoACopyOfItsCookieIsRefused_WhileOtherBrowsersStay()
    {
        var (_, email, key) = await factory.Data.EnrolledUserAsync();
        var browser = await SignedInAsync(email, key);
        var other = await SignedInAsync(email, key);
        // What a thief would keep: the cookies as this browser sent them before logging out.
        var page = await browser.Http.GetAsync("/Account/Manage");
        var stolen = CookieHeader(page.RequestMessage!);
        Assert.Contains(".AspNetCore.Identity.Application=", stolen);

        await browser.PostFormAsync("/Account/Manage", "logout", [], postTo: "/Account/Logout");

        Assert.False(await IsSignedInAsync(browser));
        var replay = new HttpRequestMessage(HttpMethod.Get, "/Account/Manage");
        replay.Headers.Add("Cookie", stolen);
        var replayed = await factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false }).SendAsync(replay);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Contains("/Account/Login", replayed.Headers.Location!.OriginalString);
        Assert.True(await IsSignedInAsync(other), "logging out of one browser signed out another");
    }

    [Fact]
    public async Task ALockout_EndsAfterItsTime()
    {
        var id = await factory.Data.UserAsync(mfa: false);
        var email = await factory.Data.EmailOfAsync(id);
        var browser = FormClient.For(factory);
        for (var i = 0; i < 5; i++) await browser.LogInAsync(email, "wrong-password");

        var locked = await browser.LogInAsync(email, TestData.Password);
        Assert.Contains("Lockout", locked.Headers.Location!.OriginalString);

        factory.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        var after = await browser.LogInAsync(email, TestData.Password);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.DoesNotContain("/Account/", after.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AResetLink_StopsWorkingAfterItsLifetime()
    {
        var id = await factory.Data.UserAsync(mfa: false);
        var email = await factory.Data.EmailOfAsync(id);
        var token = await factory.Data.WithService<UserManager<ApplicationUser>, string>(async users =>
            await users.GeneratePasswordResetTokenAsync((await users.FindByIdAsync(id))!));
        var code = WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(token));

        // A day and a bit later (the lifetime of Identity's mailed codes), the link changes nothing.
        factory.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var answer = await FormClient.For(factory).PostFormAsync($"/Account/ResetPassword?code={code}", "reset-password", new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "Brand-new-Passw0rd",
            ["Input.ConfirmPassword"] = "Brand-new-Passw0rd",
            ["Input.Code"] = token,
        });

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode); // the form again, with the error
        Assert.Equal(HttpStatusCode.OK, (await FormClient.For(factory).LogInAsync(email, "Brand-new-Passw0rd")).StatusCode); // refused
        Assert.Equal(HttpStatusCode.Redirect, (await FormClient.For(factory).LogInAsync(email, TestData.Password)).StatusCode); // unchanged
    }

    [Fact]
    public async Task AConfirmationLink_StopsWorkingAfterItsLifetime()
    {
        var id = await factory.Data.UserAsync(mfa: false, confirmed: false);
        var token = await factory.Data.WithService<UserManager<ApplicationUser>, string>(async users =>
            await users.GenerateEmailConfirmationTokenAsync((await users.FindByIdAsync(id))!));
        var code = WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(token));

        factory.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var answer = await FormClient.For(factory).Http.GetAsync($"/Account/ConfirmEmail?userId={id}&code={code}");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("This link is invalid or has expired", await answer.Content.ReadAsStringAsync());
        Assert.False(await factory.Data.WithDb(db => db.Users.Where(u => u.Id == id).Select(u => u.EmailConfirmed).SingleAsync()));
    }

    private static string CookieHeader(HttpRequestMessage sent) =>
        sent.Headers.TryGetValues("Cookie", out var values) ? string.Join("; ", values) : "";

    [GeneratedRegex("data-testid=\"authenticator-key\">([^<]+)<")]
    private static partial Regex SharedKey();

    [GeneratedRegex("class=\"recovery-code\">[^<]+<")]
    private static partial Regex RecoveryCode();
}
