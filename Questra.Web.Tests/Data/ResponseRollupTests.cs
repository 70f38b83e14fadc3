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
        Assert.Equal((260, 260), await Totals(survey));
    }

    // The survey's kept total and a count of its responses.
    private Task<(int Kept, int Counted)> Totals(string survey) => factory.Data.WithDb(async db => (
        await db.Surveys.Where(s => s.Id == survey).Select(s => s.ResponseCount).SingleAsync(),
        await db.SurveyResponses.CountAsync(r => r.SurveyId == survey)));

    [Fact]
    public async Task EachSurveysResponseTotal_FollowsInsertsDeletesAndMovesBetweenSurveys_AndSavingTheSurveyKeepsIt()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var at = new DateTimeOffset(2026, 9, 1, 10, 0, 0, TimeSpan.Zero);
        var first = await factory.Data.SurveyAsync(org, owner, "first", [.. Enumerable.Range(0, 30).Select(i => (at.AddHours(i), true))]);
        var second = await factory.Data.SurveyAsync(org, owner, "second", (at, false));
        Assert.Equal((30, 30), await Totals(first));

        await factory.Data.WithDb(async db =>
        {
            var ids = await db.SurveyResponses.Where(r => r.SurveyId == first).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync();
            await db.SurveyResponses.Where(r => ids.Take(4).Contains(r.Id)).ExecuteDeleteAsync();
            await db.SurveyResponses.Where(r => ids.Skip(4).Take(6).Contains(r.Id)).ExecuteUpdateAsync(u => u.SetProperty(r => r.SurveyId, second));
            // An update that leaves the survey as it was changes nothing.
            await db.SurveyResponses.Where(r => ids.Skip(10).Take(3).Contains(r.Id)).ExecuteUpdateAsync(u => u.SetProperty(r => r.SurveyId, first));
            // A survey loaded before more responses arrive and saved after: its stale total is not written back.
            var loaded = await db.Surveys.SingleAsync(s => s.Id == second);
            await db.SurveyResponses.AddAsync(new SurveyResponse { SurveyId = second, SubmittedAt = at, Completed = true });
            await db.SaveChangesAsync();
            loaded.Title = "second, renamed";
            await db.SaveChangesAsync();
        });

        Assert.Equal((20, 20), await Totals(first));
        Assert.Equal((8, 8), await Totals(second));
    }
}

public sealed class ResponseRollupTestsOnSqlite(QuestraFactory factory) : ResponseRollupTests(factory), IClassFixture<QuestraFactory>;

public sealed class ResponseRollupTestsOnPostgres(PostgresFactory factory) : ResponseRollupTests(factory), IClassFixture<PostgresFactory>;
