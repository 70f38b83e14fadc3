using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Questra.Web;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Common;
using Questra.Web.Features.Organizations;

namespace Questra.Bench;

/// <summary>
/// The benchmark's baseline, which only the bench's own hosts add (no setting of the shipped app can): an <c>/api</c>
/// request without <c>Authorization</c> acts as one fixed key, so the same handlers are timed with and without the
/// key check. A request with a key is checked as always.
/// </summary>
internal static class BaselineScheme
{
    public const string Name = "BenchmarkBaseline";

    public static void Add(IServiceCollection services, string orgId, string userId)
    {
        services.AddSingleton(new BaselineKey(new AuthenticatedKey("ak_benchmarkBaseline", orgId, userId, OrgRole.Owner, ApiScopes.FullAccess, null, null)));
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, Handler>(Name, null);
        services.PostConfigure<PolicySchemeOptions>(SchemeByPath.Name, o =>
        {
            var byPath = o.ForwardDefaultSelector ?? throw new InvalidOperationException("the app's scheme by path has no selector");
            o.ForwardDefaultSelector = context =>
                SchemeByPath.IsApi(context.Request.Path) && !context.Request.Headers.ContainsKey("Authorization") ? Name : byPath(context);
        });
    }

    private sealed record BaselineKey(AuthenticatedKey Key);

    private sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, BaselineKey baseline)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            Context.Features.Set(baseline.Key);
            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, baseline.Key.OwnerUserId), new Claim(ApiKeyAuthenticationHandler.KeyIdClaim, baseline.Key.KeyId)], Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
        }
    }
}
