namespace Questra.Web.Features.Surveys;

/// <summary>Draft → Active (published, answering) → Closed, and Closed → Active again.</summary>
public enum SurveyStatus { Draft, Active, Closed }

public sealed class Survey
{
    public const string IdPrefix = "sv_";

    public required string Id { get; init; }
    public required string OrganizationId { get; init; }
    public required string OwnerUserId { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public SurveyStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// When it last changed as the API shows it: title, description, status, questions (set by the app) or its
    /// responses (set by the database's response-count trigger, to the response's time). Never moves back.
    /// </summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// The id in the survey's public link (<c>/s/{PublicId}</c>): random, unguessable, and not the id the API and
    /// the dashboard use, so knowing a survey's API id does not let anyone answer it, and the link reveals nothing else.
    /// </summary>
    public required string PublicId { get; init; }

    /// <summary>How many responses it has: kept by the database (triggers on SurveyResponses), never written by the app.</summary>
    public int ResponseCount { get; private set; }

    public List<SurveyQuestion> Questions { get; init; } = [];

    /// <summary>A new public link id: 22 base62 characters (about 131 random bits).</summary>
    public static string NewPublicId() => Ids.RandomBase62(22);
}

public sealed class SurveyQuestion
{
    public long Id { get; init; }
    public required string SurveyId { get; init; }
    public int Position { get; set; }
    public required string Text { get; set; }

    /// <summary>One of <see cref="QuestionKinds"/>; it never changes once the survey has responses.</summary>
    public required string Kind { get; set; }
    public bool Required { get; set; }

    /// <summary>Hidden questions are left off the public form; their answers stay (how a question with answers is "removed").</summary>
    public bool Hidden { get; set; }

    /// <summary>The options of a choice question, each with an id that stays the same through renames (answers store the id).</summary>
    public List<QuestionOption> Options { get; set; } = [];
}

/// <summary>One option of a choice question; answers refer to <see cref="Id"/>, unique within its question.</summary>
public sealed record QuestionOption(int Id, string Text);

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

/// <summary>
/// How often one answer was given to one question of a survey on one UTC day, counted as each response is stored
/// (in its transaction), so per-question aggregates read these rows instead of every response. <see cref="Value"/>
/// is the option id (choice questions) or the value (rating, NPS); <see cref="Answered"/> counts the responses
/// that answered the question at all (the only row of a text question: its answers are never counted by content).
/// </summary>
public sealed class SurveyAnswerDay
{
    public const int Answered = -1;

    public required string SurveyId { get; init; }
    public long QuestionId { get; init; }
    public DateOnly Day { get; init; }
    public int Value { get; init; }
    public int Count { get; init; }
}

/// <summary>
/// How often one answer was given to one question of a survey over all its days: the sum of its
/// <see cref="SurveyAnswerDay"/> rows, kept by the database (triggers on SurveyAnswerDays, whoever writes them), so
/// a whole survey's per-question aggregates read a row per option or value instead of one per day.
/// </summary>
public sealed class SurveyAnswerTotal
{
    public required string SurveyId { get; init; }
    public long QuestionId { get; init; }
    public int Value { get; init; }
    public int Count { get; init; }
}

/// <summary>
/// A submitted response. Its answers are personal data: they never leave through the API. Every response stored
/// through the public form is complete (the form is one page, sent once); <see cref="Completed"/> stays so
/// responses imported or written by other tools may say otherwise, and completion_rate reads it.
/// </summary>
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

    /// <summary>The answers as <see cref="Answers"/> writes them: <c>{"question id": answer}</c>.</summary>
    public string AnswersJson { get; init; } = "{}";
}
