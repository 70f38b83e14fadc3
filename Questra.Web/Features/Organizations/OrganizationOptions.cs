namespace Questra.Web.Features.Organizations;

public sealed class OrganizationOptions
{
    public const string Section = "Organizations";

    /// <summary>The plan a new user's own organization starts on. Free unless configured.</summary>
    public Plan DefaultPlan { get; set; } = Plan.Free;

    /// <summary>Give a new user's organization sample surveys and responses (Development).</summary>
    public bool SeedSampleData { get; set; }
}
