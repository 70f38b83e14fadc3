using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Questra.Web.Data;

namespace Questra.Web.Features.Mfa;

/// <summary>
/// Authenticator-app codes for Identity, replacing its built-in provider: same RFC 6238 codes and ±1 step of
/// drift, but a code (time step) that was accepted once is refused afterwards — the built-in one allows replays.
/// The last accepted step is kept in the user's token store; a concurrent second use of the same code loses on
/// Identity's concurrency stamp and is refused too.
/// </summary>
public sealed class QuestraAuthenticatorTokenProvider(TimeProvider clock) : IUserTwoFactorTokenProvider<ApplicationUser>
{
    private const string LoginProvider = "[QuestraTotp]";
    private const string LastStepName = "LastAcceptedStep";
    private const int AllowedDrift = 1;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ApplicationUser> manager, ApplicationUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    // Codes come from the user's app, never from the server.
    public Task<string> GenerateAsync(string purpose, UserManager<ApplicationUser> manager, ApplicationUser user) =>
        Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        var code = (token ?? "").Replace(" ", "").Replace("-", "");
        if (code.Length != Totp.Digits || !code.All(char.IsAsciiDigit)) return false;
        var key = await manager.GetAuthenticatorKeyAsync(user);
        var keyBytes = key is null ? null : Base32.TryDecode(key);
        if (keyBytes is null || keyBytes.Length == 0) return false;

        var lastUsed = long.TryParse(await manager.GetAuthenticationTokenAsync(user, LoginProvider, LastStepName), out var l) ? l : long.MinValue;
        var now = Totp.TimeStep(clock.GetUtcNow());
        for (var step = now - AllowedDrift; step <= now + AllowedDrift; step++)
        {
            if (step <= lastUsed) continue; // replay, or older than a code already used
            var expected = Encoding.ASCII.GetBytes(Totp.Compute(keyBytes, step));
            if (CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(code)))
            {
                var saved = await manager.SetAuthenticationTokenAsync(user, LoginProvider, LastStepName, step.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return saved.Succeeded;
            }
        }
        return false;
    }
}
