using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// The benchmark's baseline: API requests without an Authorization header act as one fixed key, so the same
/// handlers can be timed with and without key checks. A scheme of its own, registered only in the "Benchmark"
/// environment with <c>Benchmark:BypassAuthentication=true</c>; the production handler knows nothing of it.
/// </summary>
public static class BenchmarkBaseline
{
    public const string SchemeName = "BenchmarkBaseline";
    private const string ChooserScheme = "ApiKeyOrBenchmarkBaseline";

    /// <summary>Adds the baseline where configured; returns the scheme the API is to authenticate with.</summary>
    public static string AddIfConfigured(AuthenticationBuilder authentication, IHostEnvironment environment, IConfiguration configuration)
    {
        if (!environment.IsEnvironment("Benchmark") || configuration.Read<BenchmarkOptions>(BenchmarkOptions.Section) is not { BypassAuthentication: true } settings)
        {
            return ApiKeyAuthenticationHandler.SchemeName;
        }
        var key = new AuthenticatedKey("ak_benchmarkBaseline", settings.OrgId, settings.UserId,
            OrgRole.Owner, ApiScopes.FullAccess, null, null);
        authentication.Services.AddSingleton(new BaselineKey(key));
        authentication.AddScheme<AuthenticationSchemeOptions, Handler>(SchemeName, null);
        // A request with a key is checked as always; one without is the baseline.
        authentication.AddPolicyScheme(ChooserScheme, null, o => o.ForwardDefaultSelector = context =>
            context.Request.Headers.ContainsKey("Authorization") ? ApiKeyAuthenticationHandler.SchemeName : SchemeName);
        return ChooserScheme;
    }

    private sealed record BaselineKey(AuthenticatedKey Key);

    private sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, BaselineKey baseline)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            Context.Features.Set(baseline.Key);
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, baseline.Key.OwnerUserId)], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
