using Microsoft.AspNetCore.Identity;

namespace Questra.Web.Features.Common;

/// <summary>
/// One password-hash check against a hash of nothing anybody holds: what a refusal costs when there was nothing real to
/// check (an unknown address, a recovery code matching no stored tag), so its answer takes as long as a real one.
/// </summary>
public static class DecoyHash
{
    private static string? decoy; // made once per process

    public static void Spend<TUser>(IPasswordHasher<TUser> hasher, TUser user, string presented) where TUser : class =>
        hasher.VerifyHashedPassword(user, decoy ??= hasher.HashPassword(user, Guid.NewGuid().ToString()), presented);
}
