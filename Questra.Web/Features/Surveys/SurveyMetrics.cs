using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;

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
public sealed class SurveyMetrics(QuestraDbContext db)
{
    public async Task<ResponseMetrics> ForSurveyAsync(string surveyId, CancellationToken ct = default)
    {
        var responses = db.SurveyResponses.AsNoTracking().Where(r => r.SurveyId == surveyId);
        var totals = await responses
            .GroupBy(r => r.SurveyId)
            .Select(g => new
            {
                Total = g.Count(),
                Completed = g.Count(r => r.Completed),
                First = g.Min(r => r.SubmittedAt),
                Last = g.Max(r => r.SubmittedAt),
            })
            .FirstOrDefaultAsync(ct);
        if (totals is null)
        {
            return new ResponseMetrics(surveyId, 0, 0, 0, null, null, []);
        }
        var perDay = await responses
            .GroupBy(r => r.SubmittedOn)
            .OrderBy(g => g.Key)
            .Select(g => new DailyCount(g.Key, g.Count()))
            .ToListAsync(ct);
        var rate = Math.Round((double)totals.Completed / totals.Total, 4);
        return new ResponseMetrics(surveyId, totals.Total, totals.Completed, rate, totals.First, totals.Last, perDay);
    }
}
