using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Questra.Web.Data;

namespace Questra.Web.Features.Mfa;

/// <summary>
/// Identity's EF user store keeps recovery codes in clear; this one stores their SHA-256 instead. The codes are
/// shown once when generated and can only be checked, never read back. Each still works once.
/// </summary>
public sealed class HashedRecoveryCodeUserStore(QuestraDbContext context, IdentityErrorDescriber? describer = null)
    : UserStore<ApplicationUser, IdentityRole, QuestraDbContext>(context, describer)
{
    public override Task ReplaceCodesAsync(ApplicationUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken = default) =>
        base.ReplaceCodesAsync(user, recoveryCodes.Select(Hash), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(ApplicationUser user, string code, CancellationToken cancellationToken = default)
    {
        // Where Identity's base store keeps the codes (its own constants are private).
        var stored = await GetTokenAsync(user, "[AspNetUserStore]", "RecoveryCodes", cancellationToken) ?? "";
        var hashes = stored.Split(';', StringSplitOptions.RemoveEmptyEntries).ToList();
        var presented = Encoding.ASCII.GetBytes(Hash(code));
        var match = hashes.FirstOrDefault(h => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(h), presented));
        if (match is null) return false;
        hashes.Remove(match);
        // The remaining entries are hashes already: store them as they are.
        await base.ReplaceCodesAsync(user, hashes, cancellationToken);
        return true;
    }

    internal static string Hash(string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code.Replace(" ", "").Trim().ToUpperInvariant())));
}
