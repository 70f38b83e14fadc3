namespace Questra.Web.Features.Surveys;

public enum SurveyStatus { Draft, Active, Closed }

public sealed class Survey
{
    public const string IdPrefix = "sv_";

    public required string Id { get; init; }
    public required string OrganizationId { get; init; }
    public required string OwnerUserId { get; set; }
    public required string Title { get; set; }
    public SurveyStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>How many responses it has: kept by the database (triggers on SurveyResponses), never written by the app.</summary>
    public int ResponseCount { get; private set; }

    public List<SurveyQuestion> Questions { get; init; } = [];
}

public sealed class SurveyQuestion
{
    public long Id { get; init; }
    public required string SurveyId { get; init; }
    public int Position { get; init; }
    public required string Text { get; init; }
    public required string Kind { get; init; }
}

/// <summary>
/// Responses of one survey on one UTC day, kept up to date by the database itself (triggers on SurveyResponses,
/// whoever writes them), so metrics and counts read a few rows instead of scanning every response.
/// </summary>
public sealed class SurveyResponseDay
{
    public required string SurveyId { get; init; }
    public DateOnly Day { get; init; }
    public int Total { get; init; }
    public int Completed { get; init; }
    public DateTimeOffset FirstAt { get; init; }
    public DateTimeOffset LastAt { get; init; }
}

/// <summary>A submitted response. Its answers are personal data: they never leave through the API.</summary>
public sealed class SurveyResponse
{
    public long Id { get; init; }
    public required string SurveyId { get; init; }
    public DateTimeOffset SubmittedAt
    {
        get;
        init
        {
            field = value;
            SubmittedOn = DateOnly.FromDateTime(value.UtcDateTime);
        }
    }

    /// <summary>The UTC day of <see cref="SubmittedAt"/>, stored so per-day counts group in the database.</summary>
    public DateOnly SubmittedOn { get; private set; }

    public bool Completed { get; init; }
    public string AnswersJson { get; init; } = "{}";
}
