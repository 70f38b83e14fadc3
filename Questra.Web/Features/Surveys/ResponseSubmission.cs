using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Questra.Web.Features.Surveys;

public enum SubmissionOutcome { Stored, Invalid, Forged, NotOpen, NotFound, Throttled }

/// <summary>What became of a submission: on <see cref="SubmissionOutcome.Invalid"/> the form to show again with its messages.</summary>
public sealed record SubmissionResult(SubmissionOutcome Outcome, PublicSurvey? Survey = null, CheckedAnswers? Checked = null,
    string? Message = null, TimeSpan? RetryAfter = null);

/// <summary>
/// The one way a response is written: the public form, and the sample data, both come here. A response is checked
/// against the survey's questions as they are now (<see cref="AnswerRules"/>) and stored complete, in one short
/// transaction; the database's triggers keep the survey's count and per-day roll-up.
/// </summary>
public sealed class ResponseSubmission(SurveyReads reads, ResponseWriter writer, TimeProvider clock, SubmissionThrottle throttle, PublicForms forms)
{
    /// <summary>The survey behind a public link, with the questions the form shows; null when no survey has that link.</summary>
    public async Task<PublicSurvey?> FindAsync(string publicId, CancellationToken ct = default) =>
        HasPublicIdShape(publicId) ? await reads.PublicFormAsync(publicId, ct) : null;

    /// <summary>Checks and stores a response sent through the public form by <paramref name="client"/>.</summary>
    public async Task<SubmissionResult> SubmitAsync(string publicId, string client, IEnumerable<KeyValuePair<string, StringValues>> fields,
        CancellationToken ct = default)
    {
        if (throttle.TryTake(client) is { } wait)
        {
            return new SubmissionResult(SubmissionOutcome.Throttled, RetryAfter: wait,
                Message: "Too many responses were sent from your network just now. Wait a minute, then send the form again.");
        }
        var survey = await FindAsync(publicId, ct);
        if (survey is null) return new SubmissionResult(SubmissionOutcome.NotFound);
        if (survey.Status != SurveyStatus.Active) return new SubmissionResult(SubmissionOutcome.NotOpen, survey);
        var check = AnswerRules.Check(survey, fields);
        if (check.Forged is not null) return new SubmissionResult(SubmissionOutcome.Forged, survey, check, check.Forged);
        if (!check.Valid) return new SubmissionResult(SubmissionOutcome.Invalid, survey, check);
        if (await StoreAsync(survey, check, clock.GetUtcNow())) return new SubmissionResult(SubmissionOutcome.Stored, survey, check);
        // Closed (or deleted) while it was checked, or around the app while its form was kept: read it again next time.
        forms.Changed(survey.SurveyId);
        return new SubmissionResult(SubmissionOutcome.NotOpen, survey with { Status = SurveyStatus.Closed });
    }

    /// <summary>
    /// Stores checked answers as a complete response submitted at <paramref name="at"/> (the form: now; sample data:
    /// spread over past weeks); false when the survey is no longer Active.
    /// </summary>
    public Task<bool> StoreAsync(PublicSurvey survey, CheckedAnswers check, DateTimeOffset at)
    {
        if (!check.Valid) throw new ArgumentException("Only checked, valid answers are stored.", nameof(check));
        return writer.WriteAsync(survey.SurveyId, at, Answers.Write(check.Answers), CountedCells(survey, check.Answers));
    }

    /// <summary>
    /// What a response adds to the per-question counts (<see cref="SurveyAnswerDay"/>): one "answered" per question
    /// it answers, and one per option chosen or value given; a text answer is counted, never read.
    /// </summary>
    public static IReadOnlyList<(long QuestionId, int Value)> CountedCells(PublicSurvey survey, IReadOnlyDictionary<long, Answer> answers)
    {
        var cells = new List<(long, int)>();
        foreach (var question in survey.Questions)
        {
            if (!answers.TryGetValue(question.Id, out var answer)) continue;
            cells.Add((question.Id, SurveyAnswerDay.Answered));
            if (answer.Choices is { } choices && question.Kind == QuestionKinds.MultipleChoice)
            {
                foreach (var choice in choices.Distinct()) cells.Add((question.Id, choice));
            }
            else if (answer.Value is { } value && (question.Kind == QuestionKinds.SingleChoice || QuestionKinds.IsScale(question.Kind)))
            {
                cells.Add((question.Id, value));
            }
        }
        return cells;
    }

    public static PublicSurvey FormOf(Survey survey) => new(survey.Id, survey.PublicId, survey.Title, survey.Description, survey.Status,
        [.. survey.Questions.Where(q => !q.Hidden).OrderBy(q => q.Position).ThenBy(q => q.Id)
            .Select(q => new PublicQuestion(q.Id, q.Text, q.Kind, q.Required, q.Options))]);

    /// <summary>16 to 64 base62 characters: anything else is not a link we made, and costs no database read.</summary>
    public static bool HasPublicIdShape(string? publicId) =>
        publicId is { Length: >= 16 and <= 64 } && Ids.IsBase62(publicId);
}

/// <summary>Responses per client address (an IPv6 /64) per minute, across surveys, in this instance's memory.</summary>
public sealed class SubmissionThrottle(TimeProvider clock, IOptionsMonitor<SurveyOptions> options)
{
    private readonly FixedWindowCounters counters = new(clock, TimeSpan.FromMinutes(1));

    /// <summary>Counts one submission; returns how long to wait when the client is over its limit.</summary>
    public TimeSpan? TryTake(string client)
    {
        var (taken, _, resetIn) = counters.TryAdd(ApiKeys.FailedAuthThrottle.ClientKey(client), options.CurrentValue.SubmissionsPerMinutePerAddress);
        return taken ? null : resetIn;
    }
}
