
namespace Questra.Web.Features.Surveys;

public sealed record DailyCount(DateOnly Date, int Count);

public sealed record ResponseMetrics(
    string SurveyId,
    int Total,
    int Completed,
    double CompletionRate,
    DateTimeOffset? FirstResponseAt,
    DateTimeOffset? LastResponseAt,
    IReadOnlyList<DailyCount> ResponsesPerDay);

/// <summary>Aggregates over a survey's responses, computed by the database. Answers are never read.</summary>
public sealed class SurveyMetrics(SurveyReads reads)
{
    /// <summary>
    /// Per-question counts of a survey (with its questions, as <see cref="SurveyAccess.FindAsync"/> gave it) from the
    /// answer counts, days <paramref name="from"/> to <paramref name="to"/> included, withheld under the organization's
    /// minimum cell size as <see cref="QuestionMetrics"/> says.
    /// </summary>
    internal async Task<QuestionMetricsResult> QuestionsAsync(string organizationId, SurveyDetail survey, DateOnly? from, DateOnly? to,
        MetricsInterval interval, CancellationToken ct = default)
    {
        var (minCell, rows) = await reads.AnswerCountsAsync(organizationId, survey.Id, from, to, byDay: interval != MetricsInterval.None, ct);
        return new QuestionMetricsResult(survey.Id, from, to, interval, minCell, QuestionMetrics.Build(survey.Questions, rows, interval, minCell));
    }

    public async Task<ResponseMetrics> ForSurveyAsync(string surveyId, CancellationToken ct = default)
    {
        // One row per day with responses, maintained by the database (see SurveyResponseDay).
        var days = await reads.DaysAsync(surveyId, ct);
        if (days.Count == 0)
        {
            return new ResponseMetrics(surveyId, 0, 0, 0, null, null, []);
        }
        var total = days.Sum(d => d.Total);
        var completed = days.Sum(d => d.Completed);
        return new ResponseMetrics(surveyId, total, completed, Math.Round((double)completed / total, 4),
            days.Min(d => d.FirstAt), days.Max(d => d.LastAt), days.Select(d => new DailyCount(d.Day, d.Total)).ToList());
    }
}
