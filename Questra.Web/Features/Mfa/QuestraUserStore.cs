using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;

namespace Questra.Web.Features.Mfa;

/// <summary>
/// Identity's EF user store, with the two second-factor secrets kept safe at rest: the authenticator's shared key
/// is encrypted with a purpose-bound Data Protection protector (whoever reads the database cannot generate codes),
/// and recovery codes are stored only as salted PBKDF2 hashes (Identity's password hasher), each working once.
/// </summary>
public sealed class QuestraUserStore(QuestraDbContext context, IDataProtectionProvider protection, IPasswordHasher<ApplicationUser> hasher,
    IdentityErrorDescriber? describer = null)
    : UserStore<ApplicationUser, IdentityRole, QuestraDbContext>(context, describer)
{
    // Where Identity's base store keeps these tokens (its own constants are private).
    internal const string InternalLoginProvider = "[AspNetUserStore]";
    internal const string AuthenticatorKeyName = "AuthenticatorKey";
    private const string RecoveryCodesName = "RecoveryCodes";

    /// <summary>Marks a protected authenticator key; a stored key without it is a plaintext one from before (migrated on start).</summary>
    internal const string ProtectedPrefix = "dp1:";
    internal const string Purpose = "Questra.Mfa.AuthenticatorKey.v1";

    private readonly IDataProtector protector = protection.CreateProtector(Purpose);

    public override Task SetAuthenticatorKeyAsync(ApplicationUser user, string key, CancellationToken cancellationToken) =>
        base.SetAuthenticatorKeyAsync(user, ProtectedPrefix + protector.Protect(key), cancellationToken);

    public override async Task<string?> GetAuthenticatorKeyAsync(ApplicationUser user, CancellationToken cancellationToken)
    {
        var stored = await base.GetAuthenticatorKeyAsync(user, cancellationToken);
        return stored is not null && stored.StartsWith(ProtectedPrefix, StringComparison.Ordinal)
            ? protector.Unprotect(stored[ProtectedPrefix.Length..])
            : stored;
    }

    public override Task ReplaceCodesAsync(ApplicationUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken = default) =>
        base.ReplaceCodesAsync(user, recoveryCodes.Select(c => hasher.HashPassword(user, Normalize(c))), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(ApplicationUser user, string code, CancellationToken cancellationToken = default)
    {
        var stored = await GetTokenAsync(user, InternalLoginProvider, RecoveryCodesName, cancellationToken) ?? "";
        var hashes = stored.Split(';', StringSplitOptions.RemoveEmptyEntries).ToList();
        var presented = Normalize(code);
        var match = hashes.FirstOrDefault(h => Matches(user, h, presented));
        if (match is null) return false;
        hashes.Remove(match);
        // The remaining entries are hashes already: store them as they are.
        await base.ReplaceCodesAsync(user, hashes, cancellationToken);
        return true;
    }

    public override async Task<int> CountCodesAsync(ApplicationUser user, CancellationToken cancellationToken = default) =>
        ((await GetTokenAsync(user, InternalLoginProvider, RecoveryCodesName, cancellationToken)) ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries).Length;

    private bool Matches(ApplicationUser user, string hash, string presented) =>
        IsLegacySha256(hash)
            // Codes issued before salted hashing: a plain SHA-256, still checked in fixed time until used or replaced.
            ? CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash),
                Encoding.ASCII.GetBytes(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(presented)))))
            : hasher.VerifyHashedPassword(user, hash, presented) != PasswordVerificationResult.Failed;

    private static bool IsLegacySha256(string hash) => hash.Length == 64 && hash.All(Uri.IsHexDigit);

    private static string Normalize(string code) => code.Replace(" ", "").Replace("-", "").Trim().ToUpperInvariant();

    /// <summary>Encrypts authenticator keys stored in clear by earlier versions. Run once at start; idempotent.</summary>
    public static async Task<int> ProtectPlaintextKeysAsync(QuestraDbContext db, IDataProtectionProvider protection, CancellationToken ct = default)
    {
        var protector = protection.CreateProtector(Purpose);
        var plain = await db.UserTokens
            .Where(t => t.LoginProvider == InternalLoginProvider && t.Name == AuthenticatorKeyName && t.Value != null && !t.Value.StartsWith(ProtectedPrefix))
            .ToListAsync(ct);
        foreach (var token in plain)
        {
            token.Value = ProtectedPrefix + protector.Protect(token.Value!);
        }
        await db.SaveChangesAsync(ct);
        return plain.Count;
    }
}
