using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Questra.Web.Data;

namespace Questra.Web.Features.Accounts;

/// <summary>
/// Identity's sign-in manager, with a server-side session per sign-in (<see cref="SignInSessions"/>): every way in
/// (password, authenticator, recovery code) ends in <see cref="SignInWithClaimsAsync"/>, which starts one; a refresh
/// of the sign-in after the user's own security stamp changed (Identity's RefreshSignInAsync, which refreshes only the
/// signed-in user) keeps it; logging out ends it.
/// </summary>
public sealed class QuestraSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation,
    SignInSessions sessions,
    UnknownAccountLockouts unknownAccounts,
    IPasswordHasher<ApplicationUser> hasher)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task SignInWithClaimsAsync(ApplicationUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var properties = authenticationProperties ?? new AuthenticationProperties();
        // A refresh carries the properties of the sign-in it renews: the same browser session goes on.
        var sessionId = SignInSessions.IdOf(properties);
        if (sessionId is null || !await sessions.IsLiveAsync(user.Id, sessionId))
        {
            sessionId = await sessions.StartAsync(user.Id);
            SignInSessions.SetId(properties, sessionId);
            // A sign-in asks for what "Confirm it's you" asks: the next ten minutes need no second proof.
            await Context.RequestServices.GetRequiredService<SudoMode>().MarkConfirmedAsync(Context, user);
        }
        await base.SignInWithClaimsAsync(user, properties, [.. additionalClaims, new Claim(SignInSessions.ClaimType, sessionId)]);
    }

    /// <summary>
    /// A password sign-in that answers an address without an account as it answers a wrong password: after one
    /// password hash (so it takes as long), and with a lockout after as many failures.
    /// </summary>
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        if (await UserManager.FindByNameAsync(userName) is { } user)
        {
            if (await IsLockedOut(user)) return await LockedOut(user);
            if (await CanSignInAsync(user)) return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
            // Not confirmed yet: Identity would answer "not allowed" at once, before any password check, telling
            // anyone that the address registered. Check the password first: only its owner learns the account waits.
            if (await UserManager.CheckPasswordAsync(user, password)) return SignInResult.NotAllowed;
            if (lockoutOnFailure) await UserManager.AccessFailedAsync(user);
            return await UserManager.IsLockedOutAsync(user) ? SignInResult.LockedOut : SignInResult.Failed;
        }
        var name = UserManager.NormalizeName(userName) ?? "";
        if (unknownAccounts.IsLockedOut(name)) return SignInResult.LockedOut;
        DecoyHash.Spend(hasher, new ApplicationUser(), password);
        return lockoutOnFailure && unknownAccounts.Failed(name) ? SignInResult.LockedOut : SignInResult.Failed;
    }

    /// <summary>A wrong recovery code counts towards the lockout, as a wrong password or authenticator code does.</summary>
    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        if (user is null) return SignInResult.Failed;
        if (await IsLockedOut(user)) return await LockedOut(user);
        var result = await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        if (result.Succeeded) return result;
        await UserManager.AccessFailedAsync(user);
        return await UserManager.IsLockedOutAsync(user) ? SignInResult.LockedOut : SignInResult.Failed;
    }

    /// <summary>
    /// Logging out: ends this browser's session (so a copy of its cookie is worthless and its other open tabs sign out
    /// too), then deletes the cookies. Other browsers of the user stay signed in.
    /// </summary>
    public async Task LogOutAsync()
    {
        // The request's user, authenticated (and checked) before any endpoint runs.
        var principal = Context.User;
        if (UserManager.GetUserId(principal) is { } userId && SignInSessions.IdOf(principal) is { } sessionId)
        {
            await sessions.EndAsync(userId, sessionId);
        }
        SudoMode.Forget(Context);
        await SignOutAsync();
    }
}
