using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Surveys;

/// <summary>Responses that arrive together are committed together; every one of them is counted, once.</summary>
public abstract class ResponseWriterTests(QuestraFactory factory)
{
    [Fact]
    public async Task ResponsesCommittedTogether_AreEachCounted_PerDay_AndInTheTotals()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner);
        var closed = await factory.Data.AuthoredSurveyAsync(org, owner);
        Assert.True((await factory.Data.WithService<SurveyAuthoring, ServiceResult<Survey>>(a => a.SetStatusAsync(org, new Caller(owner, null), closed.Id, SurveyStatus.Closed))).Succeeded);
        var form = ResponseSubmission.FormOf(survey);
        var closedForm = ResponseSubmission.FormOf(closed);
        var rating = survey.Questions.Single(q => q.Kind == QuestionKinds.Rating).Id;
        var multiple = survey.Questions.Single(q => q.Kind == QuestionKinds.MultipleChoice);
        var (red, green) = (multiple.Options[0].Id, multiple.Options[1].Id);
        var today = factory.Clock.GetUtcNow();
        var yesterday = today.AddDays(-1);
        var submission = factory.Services.GetRequiredService<IServiceScopeFactory>();

        // 90 responses at once (so that many share a commit), over two days, beside 10 to a closed survey.
        Task<bool> Store(PublicSurvey to, int i)
        {
            var scale = to.Questions.Single(q => q.Kind == QuestionKinds.Rating);
            var choices = to.Questions.Single(q => q.Kind == QuestionKinds.MultipleChoice);
            var fields = new List<KeyValuePair<string, StringValues>> { new(scale.FieldName, (i % 5 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)) };
            if (i % 3 == 0) fields.Add(new(choices.FieldName, new StringValues([$"{choices.Options[0].Id}", $"{choices.Options[1].Id}"])));
            var check = AnswerRules.Check(to, fields);
            Assert.True(check.Valid, string.Join("; ", check.Errors.Values) + check.Forged);
            return Task.Run(async () =>
            {
                await using var scope = submission.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<ResponseSubmission>().StoreAsync(to, check, i % 2 == 0 ? today : yesterday);
            });
        }
        var results = await Task.WhenAll(Enumerable.Range(0, 90).Select(i => Store(form, i)).Concat(Enumerable.Range(0, 10).Select(i => Store(closedForm, i))));

        Assert.All(results.Take(90), Assert.True);
        Assert.All(results.Skip(90), Assert.False);
        var days = await factory.Data.WithDb(db => db.SurveyAnswerDays.Where(d => d.SurveyId == survey.Id || d.SurveyId == closed.Id).ToListAsync());
        Assert.DoesNotContain(days, d => d.SurveyId == closed.Id);
        int On(DateOnly day, long question, int value) => days.Where(d => d.Day == day && d.QuestionId == question && d.Value == value).Sum(d => d.Count);
        var (d0, d1) = (DateOnly.FromDateTime(today.UtcDateTime), DateOnly.FromDateTime(yesterday.UtcDateTime));
        Assert.Equal(45, On(d0, rating, SurveyAnswerDay.Answered));
        Assert.Equal(45, On(d1, rating, SurveyAnswerDay.Answered));
        for (var v = 1; v <= 5; v++)
        {
            var expected0 = Enumerable.Range(0, 90).Count(i => i % 2 == 0 && i % 5 + 1 == v);
            Assert.Equal(expected0, On(d0, rating, v));
            Assert.Equal(18 - expected0, On(d1, rating, v));
        }
        Assert.Equal(30, On(d0, multiple.Id, red) + On(d1, multiple.Id, red));
        Assert.Equal(30, On(d0, multiple.Id, SurveyAnswerDay.Answered) + On(d1, multiple.Id, SurveyAnswerDay.Answered));
        var totals = await factory.Data.WithDb(db => db.SurveyAnswerTotals.Where(t => t.SurveyId == survey.Id).ToListAsync());
        Assert.Equal(90, totals.Single(t => t.QuestionId == rating && t.Value == SurveyAnswerDay.Answered).Count);
        Assert.Equal(30, totals.Single(t => t.QuestionId == multiple.Id && t.Value == green).Count);
        Assert.Equal(90, await factory.Data.WithDb(db => db.Surveys.Where(s => s.Id == survey.Id).Select(s => s.ResponseCount).SingleAsync()));
    }
}

public sealed class ResponseWriterTestsOnSqlite(QuestraFactory factory) : ResponseWriterTests(factory), IClassFixture<QuestraFactory>;

public sealed class ResponseWriterTestsOnPostgres(PostgresFactory factory) : ResponseWriterTests(factory), IClassFixture<PostgresFactory>;
