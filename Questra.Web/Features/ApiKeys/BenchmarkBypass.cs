using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// The benchmark's baseline: API requests without an Authorization header are treated as one fixed key, so the
/// same handlers can be timed with and without key checks. Honoured only in the "Benchmark" environment with
/// <c>Benchmark:BypassAuthentication=true</c>; anywhere else <see cref="Key"/> is null and nothing changes.
/// </summary>
public sealed class BenchmarkBypass
{
    public AuthenticatedKey? Key { get; }

    public BenchmarkBypass(IHostEnvironment env, IConfiguration configuration)
    {
        if (env.IsEnvironment("Benchmark") && configuration.GetValue<bool>("Benchmark:BypassAuthentication"))
        {
            Key = new AuthenticatedKey("ak_benchmarkBaseline", configuration["Benchmark:OrgId"]!, configuration["Benchmark:UserId"]!,
                OrgRole.Owner, ApiScopes.FullAccess, null, null);
        }
    }
}
