namespace Questra.Web.Features.ApiKeys;

/// <summary><c>Benchmark</c>: the baseline key of bench/run.sh; read only in the <c>Benchmark</c> environment.</summary>
public sealed class BenchmarkOptions
{
    public const string Section = "Benchmark";

    /// <summary>Requests without an Authorization header act as the baseline key.</summary>
    public bool BypassAuthentication { get; set; }

    public string OrgId { get; set; } = "";
    public string UserId { get; set; } = "";
}
