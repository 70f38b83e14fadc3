namespace Questra.Web.Features.ApiKeys;

public sealed class UsageOptions
{
    public const string Section = "Usage";

    /// <summary>How often counted key use is written to the database.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 60)]
    public int FlushSeconds { get; set; } = 30;
}
