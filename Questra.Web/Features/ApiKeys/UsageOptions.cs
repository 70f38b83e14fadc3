namespace Questra.Web.Features.ApiKeys;

public sealed class UsageOptions
{
    public const string Section = "Usage";

    /// <summary>How often counted key use is written to the database: what a hard kill (SIGKILL, power cut) can lose at most. A graceful stop writes everything.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 60)]
    public int FlushSeconds { get; set; } = 5;
}
