using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Questra.Web.Components.Account;

// Checks an open dashboard tab's sign-in every minute, even while nobody clicks: a browser that logged out, or a
// user signed out everywhere (two-factor turned off or reset, password reset, account deleted), loses the tab too.
// Clicks are checked before they are handled (SignedInCircuitGate).
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        SignedInCircuitGate.IsCurrentAsync(scopeFactory, options.Value, authenticationState.User);
}
