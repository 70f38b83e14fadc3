using System.ComponentModel.DataAnnotations;

namespace Questra.Web.Features.Surveys;

/// <summary>The public form's limits (section <c>Surveys</c>).</summary>
public sealed class SurveyOptions
{
    public const string Section = "Surveys";

    /// <summary>Responses one client address (an IPv6 /64) may send per minute, to any survey.</summary>
    [Range(1, 1_000_000_000)]
    public int SubmissionsPerMinutePerAddress { get; set; } = 10;

    /// <summary>The largest response body taken, in bytes: enough for every question of a survey answered in full.</summary>
    [Range(4_096, 4_194_304)]
    public int MaxSubmissionBytes { get; set; } = 65_536;
}
