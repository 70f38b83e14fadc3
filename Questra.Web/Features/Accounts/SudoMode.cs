using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Questra.Web.Data;

namespace Questra.Web.Features.Accounts;

/// <summary>
/// "Sudo mode", as GitHub has it: the account actions a stolen session could abuse — turning two-factor on, off or
/// resetting it, new recovery codes, changing the email, deleting the account — ask for the password and a current
/// code again unless that check passed in this browser within the last <see cref="Window"/>. The proof is a
/// short-lived, encrypted cookie bound to the user and their security stamp, so signing out elsewhere or changing
/// the second factor ends it too.
/// </summary>
public sealed class SudoMode(IDataProtectionProvider protection, TimeProvider clock, UserManager<ApplicationUser> users,
    SignInManager<ApplicationUser> signIn)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    public const string CookieName = "Questra.Sudo";
    public const string PagePath = "Account/Manage/ConfirmIdentity";

    private readonly IDataProtector protector = protection.CreateProtector("Questra.Accounts.Sudo.v1");

    /// <summary>Whether this browser confirmed the password and a code for <paramref name="user"/> in the last ten minutes.</summary>
    public async Task<bool> IsFreshAsync(HttpContext http, ApplicationUser user)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var cookie) || string.IsNullOrEmpty(cookie)) return false;
        string[] parts;
        try
        {
            parts = protector.Unprotect(cookie).Split('|');
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
        return parts.Length == 3
            && parts[0] == user.Id
            && parts[1] == await users.GetSecurityStampAsync(user)
            && long.TryParse(parts[2], out var at)
            && clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(at) is var age
            && age >= TimeSpan.Zero && age < Window;
    }

    /// <summary>
    /// Checks the password and, for an account with two-factor on, an authenticator or recovery code; on success
    /// marks this browser as confirmed. Wrong passwords count towards the account's lockout.
    /// </summary>
    public async Task<string?> ConfirmAsync(HttpContext http, ApplicationUser user, string password, string? code)
    {
        var checkedPassword = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (checkedPassword.IsLockedOut) return "Too many wrong attempts: the account is locked for a while.";
        if (!checkedPassword.Succeeded) return "The password or the code is not right.";
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            var compact = (code ?? "").Replace(" ", "").Replace("-", "");
            var ok = compact.Length == 6 && compact.All(char.IsAsciiDigit)
                ? await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, compact)
                : compact.Length > 0 && (await users.RedeemTwoFactorRecoveryCodeAsync(user, compact)).Succeeded;
            if (!ok)
            {
                await users.AccessFailedAsync(user);
                return "The password or the code is not right.";
            }
        }
        await MarkConfirmedAsync(http, user);
        return null;
    }

    /// <summary>
    /// Marks this browser as having just proved the password (and code): after "Confirm it's you", and on signing
    /// in, which asks the same — so a person who just signed in is not asked again for ten minutes.
    /// </summary>
    public async Task MarkConfirmedAsync(HttpContext http, ApplicationUser user)
    {
        var value = protector.Protect($"{user.Id}|{await users.GetSecurityStampAsync(user)}|{clock.GetUtcNow().ToUnixTimeSeconds()}");
        http.Response.Cookies.Append(CookieName, value, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/Account",
            MaxAge = Window,
            IsEssential = true,
        });
    }

    /// <summary>Forgets this browser's confirmation (logging out).</summary>
    public static void Forget(HttpContext http) => http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/Account" });
}
