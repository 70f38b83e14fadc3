using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Questra.Web.Features.Accounts;

namespace Questra.Web.Components.Account;

/// <summary>
/// Keeps an open dashboard tab (a circuit) to the sign-in it started with. Before anything the browser sends is
/// handled — a click, a form, a script's answer — the tab's session and security stamp are checked (at most once a
/// second; at once when this instance hears the session ended). A tab whose browser logged out, or whose user was
/// signed out everywhere, handles nothing more: it loses its sign-in and goes to the login page.
/// </summary>
internal sealed class SignedInCircuitGate(
    AuthenticationStateProvider auth,
    SessionEndings endings,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<IdentityOptions> identity) : CircuitHandler, IDisposable
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    private ClaimsPrincipal? principal;
    private string? sessionId;
    private volatile bool ended;
    private long checkedAt;

    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        principal = (await auth.GetAuthenticationStateAsync()).User;
        sessionId = SignInSessions.IdOf(principal);
        checkedAt = clock.GetTimestamp();
        if (sessionId is not null) endings.Ended += OnEnded;
    }

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            if (ended) return; // signed out: nothing this tab sends is handled any more
            if (principal?.Identity?.IsAuthenticated == true && clock.GetElapsedTime(checkedAt) >= CheckEvery)
            {
                checkedAt = clock.GetTimestamp();
                if (!await IsCurrentAsync(principal))
                {
                    End();
                    return;
                }
            }
            await next(context);
        };

    /// <summary>Whether <paramref name="user"/>'s browser session is live and their security stamp unchanged.</summary>
    public static async Task<bool> IsCurrentAsync(IServiceScopeFactory scopes, IdentityOptions identity, ClaimsPrincipal user)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignInSessions>().IsCurrentAsync(user, identity.ClaimsIdentity.SecurityStampClaimType);
    }

    private Task<bool> IsCurrentAsync(ClaimsPrincipal user) => IsCurrentAsync(scopes, identity.Value, user);

    private void OnEnded(string id)
    {
        if (id == sessionId) End();
    }

    private void End()
    {
        if (ended) return;
        ended = true;
        // The page re-renders as signed out, which sends the browser to the login page.
        ((IHostEnvironmentAuthenticationStateProvider)auth).SetAuthenticationState(
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
    }

    public void Dispose() => endings.Ended -= OnEnded;
}
