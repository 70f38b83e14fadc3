using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Questra.Web.Data;

namespace Questra.Web.Features.Accounts;

/// <summary>
/// The codes in mailed links (confirm the account, reset the password, confirm a new email): encrypted with Data
/// Protection, bound to the user, the purpose and the security stamp, and good for <see cref="Lifetime"/> by the
/// app's clock. It takes the place of Identity's default provider, which does the same on the machine's clock.
/// </summary>
public sealed class MailedCodeTokenProvider(IDataProtectionProvider protection, TimeProvider clock) : IUserTwoFactorTokenProvider<ApplicationUser>
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    private readonly IDataProtector protector = protection.CreateProtector("Questra.Accounts.MailedCode.v1");

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ApplicationUser> manager, ApplicationUser user) => Task.FromResult(false);

    public async Task<string> GenerateAsync(string purpose, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        // The purpose goes last: it may hold an email address (a change of email), the other parts never hold '|'.
        var payload = $"{clock.GetUtcNow().ToUnixTimeSeconds()}|{await manager.GetUserIdAsync(user)}|{await StampAsync(manager, user)}|{purpose}";
        return Convert.ToBase64String(protector.Protect(Encoding.UTF8.GetBytes(payload)));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(protector.Unprotect(Convert.FromBase64String(token))).Split('|', 4);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return false;
        }
        return parts.Length == 4
            && long.TryParse(parts[0], out var created)
            && clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(created) is var age && age >= TimeSpan.Zero && age <= Lifetime
            && parts[1] == await manager.GetUserIdAsync(user)
            && FixedTimeEquals(parts[2], await StampAsync(manager, user))
            && parts[3] == purpose;
    }

    private static async Task<string> StampAsync(UserManager<ApplicationUser> manager, ApplicationUser user) =>
        manager.SupportsUserSecurityStamp ? await manager.GetSecurityStampAsync(user) : "";

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
