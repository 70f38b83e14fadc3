using Microsoft.AspNetCore.Identity;
using Questra.Web.Data;

namespace Questra.Web.Features.Mfa;

/// <summary>
/// Authenticator-app codes for Identity, replacing its built-in provider: RFC 6238 codes (Otp.NET) and ±1 step of
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
        if (code.Length != AuthenticatorCodes.Digits || !code.All(char.IsAsciiDigit)) return false;
        var key = AuthenticatorCodes.DecodeKey(await manager.GetAuthenticatorKeyAsync(user));
        if (key is null) return false;

        var lastUsed = long.TryParse(await manager.GetAuthenticationTokenAsync(user, LoginProvider, LastStepName), out var l) ? l : long.MinValue;
        if (AuthenticatorCodes.MatchStep(key, code, clock.GetUtcNow()) is not { } step || step <= lastUsed)
        {
            return false; // wrong, too old, or a replay of (or older than) a code already used
        }
        var saved = await manager.SetAuthenticationTokenAsync(user, LoginProvider, LastStepName, step.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return saved.Succeeded;
    }
}
