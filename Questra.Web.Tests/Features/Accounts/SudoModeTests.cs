using System.Net;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Questra.Web.Features.Accounts;
using Questra.Web.Features.Mfa;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>
/// Sensitive account actions ask for the password and a current code again (sudo mode); turning two-factor off
/// signs out other sessions; the authenticator's key is never shown again after enrolment.
/// </summary>
public class SudoModeTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    public static TheoryData<string> Guarded =>
    [
        "/Account/Manage/Disable2fa", "/Account/Manage/ResetAuthenticator", "/Account/Manage/GenerateRecoveryCodes",
        "/Account/Manage/Email", "/Account/Manage/DeletePersonalData", "/Account/Manage/EnableAuthenticator",
    ];

    [Fact]
    public void ThePagesTestedHere_AreExactlyThoseUnderTheSudoPolicy()
    {
        var underPolicy = typeof(Program).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes<Microsoft.AspNetCore.Authorization.AuthorizeAttribute>().Any(a => a.Policy == SudoPolicy.Name))
            .SelectMany(t => t.GetCustomAttributes<Microsoft.AspNetCore.Components.RouteAttribute>().Select(r => r.Template))
            .Order(StringComparer.Ordinal);

        Assert.Equal(((IEnumerable<object[]>)Guarded).Select(row => (string)row[0]).Order(StringComparer.Ordinal), underPolicy);
    }

    /// <summary>
    /// Every request's authorization (each API call) builds every registered handler: the sudo handler is one
    /// instance for the app and takes the account services only when a sudo page is asked for (building Identity's
    /// managers per API call cost 15 µs of a 80 µs read, measured with bench/ab.sh).
    /// </summary>
    [Fact]
    public void TheSudoHandler_IsBuiltOnce_AndHoldsNoAccountService()
    {
        using var first = factory.Services.CreateScope();
        using var second = factory.Services.CreateScope();
        var a = first.ServiceProvider.GetServices<Microsoft.AspNetCore.Authorization.IAuthorizationHandler>().Single(h => h.GetType().Name == "SudoHandler");
        var b = second.ServiceProvider.GetServices<Microsoft.AspNetCore.Authorization.IAuthorizationHandler>().Single(h => h.GetType().Name == "SudoHandler");

        Assert.Same(a, b);
        Assert.DoesNotContain(a.GetType().GetConstructors().Single().GetParameters(),
            p => p.ParameterType.Namespace?.StartsWith("Microsoft.AspNetCore.Identity", StringComparison.Ordinal) == true || p.ParameterType == typeof(SudoMode));
    }

    private string Code(byte[] key) => factory.NextAuthenticatorCode(key);

    private async Task<(FormClient Client, string Id, byte[] Key)> SignedInAsync()
    {
        var (id, email, key) = await factory.Data.EnrolledUserAsync();
        var client = FormClient.For(factory);
        var answer = await client.LogInAsync(email, TestData.Password, code: () => Code(key));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        // Signing in counts as confirming for ten minutes: these tests start from a sign-in older than that.
        factory.Clock.Advance(SudoMode.Window + TimeSpan.FromMinutes(1));
        return (client, id, key);
    }

    [Fact]
    public async Task RightAfterSigningIn_SensitivePagesDoNotAskAgain()
    {
        var (_, email, key) = await factory.Data.EnrolledUserAsync();
        var client = FormClient.For(factory);
        await client.LogInAsync(email, TestData.Password, code: () => Code(key));

        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/Account/Manage/GenerateRecoveryCodes")).StatusCode);
    }

    private static async Task<HttpResponseMessage> ConfirmAsync(FormClient client, string returnUrl, string password, string code) =>
        await client.PostFormAsync($"/Account/Manage/ConfirmIdentity?returnUrl={Uri.EscapeDataString(returnUrl)}", "confirm-identity",
            new() { ["Input.Password"] = password, ["Input.Code"] = code });

    [Theory]
    [MemberData(nameof(Guarded))]
    public async Task SensitivePages_AskToConfirmItsYou_First(string path)
    {
        var (client, _, _) = await SignedInAsync();

        var answer = await client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Contains($"/Account/Manage/ConfirmIdentity?returnUrl={Uri.EscapeDataString(path)}", answer.Headers.Location!.OriginalString);
    }

    /// <summary>Each guarded form, as the page would post it: its form name and fields.</summary>
    public static TheoryData<string, string, string> GuardedForms => new()
    {
        { "/Account/Manage/Disable2fa", "disable-2fa", "" },
        { "/Account/Manage/ResetAuthenticator", "reset-authenticator", "" },
        { "/Account/Manage/GenerateRecoveryCodes", "generate-recovery-codes", "" },
        { "/Account/Manage/Email", "change-email", "Input.NewEmail=attacker@example.test" },
        { "/Account/Manage/DeletePersonalData", "delete-user", "Input.ConfirmOrganizations=true" },
    };

    [Theory]
    [MemberData(nameof(GuardedForms))]
    public async Task PostingAGuardedForm_WithoutConfirming_ChangesNothing(string path, string form, string field)
    {
        var (client, id, _) = await SignedInAsync();
        var before = await AccountStateAsync(id);
        var fields = field.Length == 0 ? new Dictionary<string, string>() : new() { [field.Split('=')[0]] = field.Split('=')[1] };

        // The antiforgery token of any account page will do: post straight to the guarded page, as an attacker with
        // the session (but not the password or the phone) would.
        var answer = await client.PostFormAsync("/Account/Manage/ChangePassword", form, fields, postTo: path);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Contains($"/Account/Manage/ConfirmIdentity?returnUrl={Uri.EscapeDataString(path)}", answer.Headers.Location!.OriginalString);
        Assert.Equal(before, await AccountStateAsync(id));
    }

    [Fact]
    public async Task TheEnrolmentPage_OffersToCopyTheKey_AndAnOtpauthLinkForThisPhone()
    {
        var id = await factory.Data.UserAsync(mfa: false);
        var client = FormClient.For(factory);
        await client.LogInAsync(await factory.Data.EmailOfAsync(id), TestData.Password);

        var page = System.Net.WebUtility.HtmlDecode(await client.Http.GetStringAsync("/Account/Manage/EnableAuthenticator"));

        var key = System.Text.RegularExpressions.Regex.Match(page, "data-testid=\"authenticator-key\">([^<]+)<").Groups[1].Value;
        Assert.NotEmpty(key);
        Assert.Contains("data-copy-from=\"authenticator-key-text\"", page);
        var link = System.Text.RegularExpressions.Regex.Match(page, "href=\"(otpauth://totp/[^\"]+)\" data-testid=\"authenticator-link\"").Groups[1].Value;
        Assert.StartsWith("otpauth://totp/Questra:", link);
        Assert.Contains("secret=" + key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant(), link, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AStolenSession_CannotEnrolItsOwnPhone_WithoutThePassword()
    {
        var id = await factory.Data.UserAsync(mfa: false);
        var client = FormClient.For(factory);
        await client.LogInAsync(await factory.Data.EmailOfAsync(id), TestData.Password);
        factory.Clock.Advance(SudoMode.Window + TimeSpan.FromMinutes(1));
        // The key the attacker's phone would hold (as if the page had been shown before).
        var sharedKey = await factory.Data.WithService<IServiceProvider, string>(async services =>
        {
            var users = services.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Questra.Web.Data.ApplicationUser>>();
            return (await services.GetRequiredService<MfaService>().GetEnrollmentAsync((await users.FindByIdAsync(id))!))!.SharedKey;
        });

        var answer = await client.PostFormAsync("/Account/Manage/ChangePassword", "send-code",
            new() { ["Input.Code"] = Code(AuthenticatorCodes.DecodeKey(sharedKey)!) }, postTo: "/Account/Manage/EnableAuthenticator");

        Assert.Contains("/Account/Manage/ConfirmIdentity", answer.Headers.Location!.OriginalString);
        Assert.False(await factory.Data.WithDb(db => db.Users.Where(u => u.Id == id).Select(u => u.TwoFactorEnabled).SingleAsync()));
    }

    // Everything the guarded forms could change: two-factor, the authenticator key, the recovery codes, the email,
    // the account itself, and mail about a change of address.
    private Task<string> AccountStateAsync(string id) => factory.Data.WithDb(async db =>
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id);
        var tokens = await db.UserTokens.AsNoTracking().Where(t => t.UserId == id && t.LoginProvider == "[AspNetUserStore]")
            .OrderBy(t => t.Name).Select(t => t.Name + "=" + t.Value).ToListAsync();
        var mails = await db.OutboxMessages.CountAsync(m => m.Kind == "account.email_change");
        return $"{user?.TwoFactorEnabled} {user?.Email} {user?.SecurityStamp} {string.Join(",", tokens)} {mails}";
    });

    [Fact]
    public async Task Confirming_NeedsThePasswordAndACurrentCode_ThenLastsTenMinutes()
    {
        var (client, _, key) = await SignedInAsync();
        const string page = "/Account/Manage/GenerateRecoveryCodes";

        var wrongPassword = await ConfirmAsync(client, page, "not my password", Code(key));
        var noCode = await ConfirmAsync(client, page, TestData.Password, "");
        var wrongCode = await ConfirmAsync(client, page, TestData.Password, AuthenticatorCodes.Compute(key, factory.Clock.GetUtcNow().AddMinutes(-5)));
        Assert.All([wrongPassword, noCode, wrongCode], a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Contains("not right", await wrongCode.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(page)).StatusCode);

        var confirmed = await ConfirmAsync(client, page, TestData.Password, Code(key));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.EndsWith(page, confirmed.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(page)).StatusCode);

        factory.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(page)).StatusCode);
    }

    [Fact]
    public async Task ARecoveryCode_AlsoConfirms_AndIsUsedUp()
    {
        var (client, id, _) = await SignedInAsync();
        var codes = await factory.Data.WithService<Microsoft.AspNetCore.Identity.UserManager<Questra.Web.Data.ApplicationUser>, IEnumerable<string>?>(
            async users => await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByIdAsync(id))!, 2));
        var code = codes!.First();

        Assert.Equal(HttpStatusCode.Redirect, (await ConfirmAsync(client, "/Account/Manage/Email", TestData.Password, code)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/Account/Manage/Email")).StatusCode);

        var (other, _, _) = (await SignedInAsync());
        Assert.Equal(HttpStatusCode.OK, (await ConfirmAsync(other, "/Account/Manage/Email", TestData.Password, code)).StatusCode);
    }

    [Fact]
    public async Task APostWithoutConfirming_ChangesNothing()
    {
        var (client, id, key) = await SignedInAsync();
        // Confirm once to get a real form (and its antiforgery token), then let the confirmation lapse.
        await ConfirmAsync(client, "/Account/Manage/Disable2fa", TestData.Password, Code(key));
        var form = await client.Http.GetStringAsync("/Account/Manage/Disable2fa");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        factory.Clock.Advance(TimeSpan.FromMinutes(11));

        var answer = await client.Http.PostAsync("/Account/Manage/Disable2fa", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "disable-2fa",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }));

        Assert.Contains("ConfirmIdentity", answer.Headers.Location!.OriginalString);
        Assert.True(await factory.Data.WithDb(db => db.Users.Where(u => u.Id == id).Select(u => u.TwoFactorEnabled).SingleAsync()));
    }

    [Fact]
    public async Task TurningTwoFactorOff_SignsOutEveryOtherSession()
    {
        var (mine, id, key) = await SignedInAsync();
        var email = await factory.Data.EmailOfAsync(id);
        var other = FormClient.For(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await other.LogInAsync(email, TestData.Password, code: () => Code(key))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.Http.GetAsync("/Account/Manage")).StatusCode);

        await ConfirmAsync(mine, "/Account/Manage/Disable2fa", TestData.Password, Code(key));
        var off = await mine.PostFormAsync("/Account/Manage/Disable2fa", "disable-2fa", []);

        Assert.Contains("TwoFactorAuthentication", off.Headers.Location!.OriginalString);
        Assert.False(await factory.Data.WithDb(db => db.Users.Where(u => u.Id == id).Select(u => u.TwoFactorEnabled).SingleAsync()));
        Assert.Equal(HttpStatusCode.OK, (await mine.Http.GetAsync("/Account/Manage")).StatusCode);
        var signedOut = await other.Http.GetAsync("/Account/Manage");
        Assert.Contains("/Account/Login", signedOut.Headers.Location?.OriginalString ?? "");
    }

    [Fact]
    public async Task AfterEnrolment_TheKeyIsNeverShownAgain_NorInThePersonalDataDownload()
    {
        var (client, id, key) = await SignedInAsync();
        var base32 = Base32Encoding.ToString(key);
        await ConfirmAsync(client, "/Account/Manage/EnableAuthenticator", TestData.Password, Code(key)); // even confirmed

        var enrolment = await client.Http.GetAsync("/Account/Manage/EnableAuthenticator");
        var download = await client.PostFormAsync("/Account/Manage/PersonalData", "download-data", [], postTo: "/Account/Manage/DownloadPersonalData");

        Assert.Equal(HttpStatusCode.Redirect, enrolment.StatusCode);
        Assert.Contains("TwoFactorAuthentication", enrolment.Headers.Location!.OriginalString);
        Assert.DoesNotContain(base32.ToLowerInvariant()[..8], (await enrolment.Content.ReadAsStringAsync()).ToLowerInvariant());
        var data = await download.Content.ReadAsStringAsync();
        Assert.Contains(id, data);
        Assert.DoesNotContain(base32[..8], data.ToUpperInvariant().Replace(" ", ""));
        Assert.DoesNotContain("Authenticator Key", data);
    }
}
