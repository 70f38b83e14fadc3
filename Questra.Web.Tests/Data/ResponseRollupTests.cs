using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Data;

/// <summary>The per-day roll-up is kept by database triggers: it must always equal a recount of the responses.</summary>
public abstract class ResponseRollupTests(QuestraFactory factory)
{
    private Task<List<string>> RollUp(string survey) => factory.Data.WithDb(db => db.SurveyResponseDays.Where(d => d.SurveyId == survey)
        .OrderBy(d => d.Day).Select(d => $"{d.Day:yyyy-MM-dd} {d.Total} {d.Completed} {d.FirstAt.UtcTicks} {d.LastAt.UtcTicks}").ToListAsync());

    private Task<List<string>> Recount(string survey) => factory.Data.WithDb(async db =>
        (await db.SurveyResponses.Where(r => r.SurveyId == survey).ToListAsync())
            .GroupBy(r => r.SubmittedOn).OrderBy(g => g.Key)
            .Select(g => $"{g.Key:yyyy-MM-dd} {g.Count()} {g.Count(r => r.Completed)} {g.Min(r => r.SubmittedAt).UtcTicks} {g.Max(r => r.SubmittedAt).UtcTicks}")
            .ToList());

    [Fact]
    public async Task InsertsDeletesAndUpdates_KeepTheRollUpEqualToARecount()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var start = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);
        var random = new Random(7);
        var responses = Enumerable.Range(0, 300).Select(_ => (start.AddMinutes(random.Next(0, 60 * 24 * 10)), random.Next(2) == 0)).ToArray();
        var survey = await factory.Data.SurveyAsync(org, owner, "rollup", responses);
        Assert.Equal(await Recount(survey), await RollUp(survey));

        await factory.Data.WithDb(async db =>
        {
            var rows = await db.SurveyResponses.Where(r => r.SurveyId == survey).OrderBy(r => r.Id).ToListAsync();
            db.SurveyResponses.RemoveRange(rows.Take(40));
            await db.SaveChangesAsync();
            var flipped = rows.Skip(40).Take(25).Select(r => r.Id).ToList();
            await db.SurveyResponses.Where(r => flipped.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.Completed, r => !r.Completed));
            // Moved to another day: both the day it left and the day it joined are recounted.
            var moved = rows.Skip(65).Take(10).Select(r => r.Id).ToList();
            var newDay = new DateTimeOffset(2026, 9, 20, 12, 0, 0, TimeSpan.Zero);
            await db.SurveyResponses.Where(r => moved.Contains(r.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.SubmittedAt, newDay).SetProperty(r => r.SubmittedOn, DateOnly.FromDateTime(newDay.UtcDateTime)));
        });

        Assert.Equal(await Recount(survey), await RollUp(survey));
        Assert.Equal(260, (await factory.Data.WithService<SurveyMetrics, ResponseMetrics>(m => m.ForSurveyAsync(survey))).Total);
    }
}

public sealed class ResponseRollupTestsOnSqlite(QuestraFactory factory) : ResponseRollupTests(factory), IClassFixture<QuestraFactory>;

public sealed class ResponseRollupTestsOnPostgres(PostgresFactory factory) : ResponseRollupTests(factory), IClassFixture<PostgresFactory>;
