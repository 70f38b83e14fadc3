
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
