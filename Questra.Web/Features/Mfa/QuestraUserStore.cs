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

    // Each stored code is "t1:<tag>:<salted PBKDF2 hash>". The tag — 8 bits of a SHA-256 of the user and the code —
    // picks the entry to check, so a guess costs one slow hash, not ten (ten per guess let a few clients tie up the
    // CPU). To a reader of the database it is a cheap filter that leaves 42 of a code's 50 bits to search through
    // the slow hash: 256 times less work than without it, still far beyond reach, and the codes are single-use.
    private const string TaggedPrefix = "t1:";

    public override Task ReplaceCodesAsync(ApplicationUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken = default) =>
        base.ReplaceCodesAsync(user, recoveryCodes.Select(c => Normalize(c)).Select(c => $"{TaggedPrefix}{Tag(user, c)}:{hasher.HashPassword(user, c)}"),
            cancellationToken);

    public override async Task<bool> RedeemCodeAsync(ApplicationUser user, string code, CancellationToken cancellationToken = default)
    {
        var stored = await GetTokenAsync(user, InternalLoginProvider, RecoveryCodesName, cancellationToken) ?? "";
        var entries = stored.Split(';', StringSplitOptions.RemoveEmptyEntries).ToList();
        var presented = Normalize(code);
        var tag = Tag(user, presented);
        var candidates = entries.Where(e => !e.StartsWith(TaggedPrefix, StringComparison.Ordinal) || e.AsSpan(TaggedPrefix.Length, TagLength).SequenceEqual(tag)).ToList();
        // Always one slow hash at least, so the answer takes as long whether or not a tag matched.
        if (candidates.Count == 0) DecoyHash.Spend(hasher, user, presented);
        var match = candidates.FirstOrDefault(e => Matches(user, e, presented));
        if (match is null) return false;
        entries.Remove(match);
        // The remaining entries are hashes already: store them as they are.
        await base.ReplaceCodesAsync(user, entries, cancellationToken);
        return true;
    }

    private static string Tag(ApplicationUser user, string normalizedCode) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{user.Id}|{normalizedCode}")))[..TagLength];

    private const int TagLength = 2;


    public override async Task<int> CountCodesAsync(ApplicationUser user, CancellationToken cancellationToken = default) =>
        ((await GetTokenAsync(user, InternalLoginProvider, RecoveryCodesName, cancellationToken)) ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries).Length;

    private bool Matches(ApplicationUser user, string entry, string presented) =>
        entry.StartsWith(TaggedPrefix, StringComparison.Ordinal) ? Verifies(user, entry[(TaggedPrefix.Length + TagLength + 1)..], presented) : Verifies(user, entry, presented);

    // Untagged entries come from earlier versions (checked as before until used or replaced).
    private bool Verifies(ApplicationUser user, string hash, string presented) =>
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
