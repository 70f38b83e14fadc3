using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;

namespace Questra.Web.Features.Mfa;

public sealed record MfaEnrollment(string SharedKey, string AuthenticatorUri);

/// <summary>Enrolment, disabling and reset of authenticator-app 2FA, with the audit events they leave.</summary>
public sealed class MfaService(UserManager<ApplicationUser> users, IUserStore<ApplicationUser> store, QuestraDbContext db, TimeProvider clock,
    Email.AccountMail notices)
{
    public const string Issuer = "Questra";
    public const int RecoveryCodeCount = 10;

    /// <summary>
    /// The shared key to enrol with (created on first need), spaced in groups of four, and its otpauth:// URI; null
    /// for a user who is enrolled already: after enrolment the key is never shown again.
    /// </summary>
    public async Task<MfaEnrollment?> GetEnrollmentAsync(ApplicationUser user)
    {
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            return null;
        }
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            // Not ResetAuthenticatorKeyAsync: it also renews the security stamp, which every request checks, so the
            // very next request of this session (the code it is about to send) would be signed out. A first key for
            // an account without two-factor changes nothing anybody is signed in with.
            await ((IUserAuthenticatorKeyStore<ApplicationUser>)store).SetAuthenticatorKeyAsync(user, users.GenerateNewAuthenticatorKey(), CancellationToken.None);
            await users.UpdateAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }
        var email = await users.GetEmailAsync(user) ?? user.UserName ?? "user";
        var uri = $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";
        return new MfaEnrollment(FormatKey(key!), uri);
    }

    /// <summary>
    /// Checks the first code from the app and only then turns 2FA on; returns the recovery codes to show once. This
    /// changes the security stamp (every other session of the user is signed out): the caller refreshes its own sign-in.
    /// </summary>
    public async Task<IReadOnlyList<string>?> EnableAsync(ApplicationUser user, string code, string? ip)
    {
        // Enrolled already: a code posted here changes nothing (new recovery codes have their own, guarded page).
        if (await users.GetTwoFactorEnabledAsync(user)
            || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            return null;
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount);
        await AuditAsync(user, AuditEventTypes.MfaEnabled, ip);
        await notices.SendAccountChangedAsync(user.Email, Email.AccountChange.TwoFactorOn);
        return codes?.ToList() ?? [];
    }

    public async Task<bool> DisableAsync(ApplicationUser user, string? ip)
    {
        if (!await users.GetTwoFactorEnabledAsync(user)) return true; // off already: nothing to change or audit
        var result = await users.SetTwoFactorEnabledAsync(user, false);
        if (result.Succeeded)
        {
            await AuditAsync(user, AuditEventTypes.MfaDisabled, ip);
            await notices.SendAccountChangedAsync(user.Email, Email.AccountChange.TwoFactorOff);
        }
        return result.Succeeded;
    }

    /// <summary>New authenticator key: 2FA goes off until the user enrols the new key.</summary>
    public async Task ResetAsync(ApplicationUser user, string? ip)
    {
        var wasOn = await users.GetTwoFactorEnabledAsync(user);
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        if (wasOn)
        {
            await AuditAsync(user, AuditEventTypes.MfaDisabled, ip);
        }
        await notices.SendAccountChangedAsync(user.Email, Email.AccountChange.AuthenticatorReset);
    }

    /// <summary>After a sign-in with a recovery code: audits it (with how many are left) and returns that number.</summary>
    public async Task<int> RecoveryCodeUsedAsync(ApplicationUser user, string? ip)
    {
        var left = await users.CountRecoveryCodesAsync(user);
        await AuditAsync(user, AuditEventTypes.MfaRecoveryCodeUsed, ip, new { codes_left = left });
        return left;
    }

    public async Task<IReadOnlyList<string>> RegenerateRecoveryCodesAsync(ApplicationUser user) =>
        (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList() ?? [];

    // 2FA belongs to the user, so the event goes to the log of every organization the user is in.
    private async Task AuditAsync(ApplicationUser user, string type, string? ip, object? details = null)
    {
        var orgs = await db.Memberships.Where(m => m.UserId == user.Id).Select(m => m.OrganizationId).ToListAsync();
        var now = clock.GetUtcNow();
        foreach (var org in orgs)
        {
            db.AddAuditEvent(org, new Caller(user.Id, ip), type, user.Id, now, details);
        }
        await db.SaveChangesAsync();
    }

    private static string FormatKey(string key) =>
        string.Join(' ', key.ToLowerInvariant().Chunk(4).Select(c => new string(c)));
}
