using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Questra.Web.Components.Account;
using Questra.Web.Features.Accounts;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>
/// An open dashboard tab handles nothing the browser sends once its session ended or its user's stamp changed —
/// also when nobody on this instance was told (the logout reached another instance).
/// </summary>
public class SignedInCircuitGateTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    private sealed record OpenTab(SignedInCircuitGate Gate, Func<Task> Click, Func<int> Handled, AuthenticationStateProvider Auth);

    private async Task<(string UserId, string SessionId, OpenTab Tab)> OpenTabAsync()
    {
        var userId = await factory.Data.UserAsync();
        var sessionId = await factory.Data.WithService<SignInSessions, string>(s => s.StartAsync(userId));
        var stamp = await factory.Data.WithDb(db => db.Users.Where(u => u.Id == userId).Select(u => u.SecurityStamp!).SingleAsync());
        var identity = factory.Services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId), new Claim(identity.SecurityStampClaimType, stamp), new Claim(SignInSessions.ClaimType, sessionId)],
            "Identity.Application"));
        var auth = new ServerAuthenticationStateProvider();
        auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        var gate = new SignedInCircuitGate(auth, factory.Services.GetRequiredService<SessionEndings>(),
            factory.Services.GetRequiredService<IServiceScopeFactory>(), factory.Clock, factory.Services.GetRequiredService<IOptions<IdentityOptions>>());
        await gate.OnCircuitOpenedAsync(null!, CancellationToken.None);
        var handled = 0;
        var handler = gate.CreateInboundActivityHandler(_ => { handled++; return Task.CompletedTask; });
        return (userId, sessionId, new OpenTab(gate, () => handler(null!), () => handled, auth));
    }

    private static async Task<bool> SignedInAsync(OpenTab tab) => (await tab.Auth.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated == true;

    [Fact]
    public async Task ALoggedOutSession_ElsewhereToo_StopsTheTabAtItsNextClick()
    {
        var (userId, sessionId, tab) = await OpenTabAsync();
        await tab.Click();
        Assert.Equal(1, tab.Handled());

        // Ended as another instance would end it: in the database, with no word to this one.
        await factory.Data.WithDb(db => db.UserTokens.Where(t => t.UserId == userId && t.Name == sessionId).ExecuteDeleteAsync());
        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await tab.Click();

        Assert.Equal(1, tab.Handled());
        Assert.False(await SignedInAsync(tab));
        await tab.Click();
        Assert.Equal(1, tab.Handled());
        tab.Gate.Dispose();
    }

    [Fact]
    public async Task ALogOutOnThisInstance_SignsTheTabOutAtOnce()
    {
        var (userId, sessionId, tab) = await OpenTabAsync();

        await factory.Data.WithService<SignInSessions, bool>(async s => { await s.EndAsync(userId, sessionId); return true; });

        Assert.False(await SignedInAsync(tab));
        await tab.Click();
        Assert.Equal(0, tab.Handled());
        tab.Gate.Dispose();
    }

    [Fact]
    public async Task AChangedSecurityStamp_StopsTheTab()
    {
        var (userId, _, tab) = await OpenTabAsync();

        await factory.Data.WithService<UserManager<Questra.Web.Data.ApplicationUser>, bool>(async users =>
        {
            await users.UpdateSecurityStampAsync((await users.FindByIdAsync(userId))!);
            return true;
        });
        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await tab.Click();

        Assert.Equal(0, tab.Handled());
        Assert.False(await SignedInAsync(tab));
        tab.Gate.Dispose();
    }
}
