using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.Surveys;

/// <summary>How many responses answered each question, and chose each option (by question id, option id).</summary>
public sealed class AnswerCounts
{
    private readonly Dictionary<long, int> answered = [];
    private readonly Dictionary<(long, int), int> chosen = [];
    private readonly Dictionary<(long, int), int> values = [];

    /// <summary>No answers (a draft never answered); a fresh table each time, so nothing can add to a shared one.</summary>
    public static AnswerCounts None => new();

    public int Of(long questionId) => answered.GetValueOrDefault(questionId);
    public int Of(long questionId, int optionId) => chosen.GetValueOrDefault((questionId, optionId));

    /// <summary>How many answered <paramref name="value"/> on a rating or score question.</summary>
    public int ValueCount(long questionId, int value) => values.GetValueOrDefault((questionId, value));

    public void Add(IReadOnlyDictionary<long, SurveyQuestion> questions, Dictionary<long, Answer> answers)
    {
        foreach (var (id, answer) in answers)
        {
            if (!questions.TryGetValue(id, out var question)) continue;
            answered[id] = answered.GetValueOrDefault(id) + 1;
            if (question.Kind == QuestionKinds.SingleChoice && answer.Value is { } one) Count(chosen, (id, one));
            else if (question.Kind == QuestionKinds.MultipleChoice && answer.Choices is { } many) foreach (var c in many) Count(chosen, (id, c));
            else if (QuestionKinds.IsScale(question.Kind) && answer.Value is { } v) Count(values, (id, v));
        }
    }

    private static void Count(Dictionary<(long, int), int> table, (long, int) key) => table[key] = table.GetValueOrDefault(key) + 1;

    /// <summary>Counts every stored response of the survey (read one by one, in the database's order; answers stay here).</summary>
    public static async Task<AnswerCounts> OfAsync(QuestraDbContext db, Survey survey, CancellationToken ct)
    {
        var counts = new AnswerCounts();
        var questions = survey.Questions.ToDictionary(q => q.Id);
        await foreach (var json in db.SurveyResponses.AsNoTracking().Where(r => r.SurveyId == survey.Id).Select(r => r.AnswersJson).AsAsyncEnumerable().WithCancellation(ct))
        {
            counts.Add(questions, Answers.Read(json));
        }
        return counts;
    }
}

public sealed record OptionResult(int Id, string Text, int Count, double Share);

public sealed record ValueResult(int Value, int Count, double Share);

/// <summary>
/// One question's results: for choices the count and share of each option (of the responses that answered the
/// question; a multiple-choice question's shares can add up to more than 100 %), for ratings the distribution and
/// mean, for text only how many answered.
/// </summary>
public sealed record QuestionResult(long Id, string Text, string Kind, bool Hidden, int Answered,
    IReadOnlyList<OptionResult> Options, IReadOnlyList<ValueResult> Values, double? Mean);

public sealed record SurveyResultsView(Survey Survey, OrgRole Role, ResponseMetrics Metrics, IReadOnlyList<QuestionResult> Questions)
{
    /// <summary>Individual responses are personal data: owners and admins only.</summary>
    public bool CanViewResponses => Role is OrgRole.Owner or OrgRole.Admin;
}

/// <summary>One response as the dashboard lists it: when, and each question's answer as text (by question id).</summary>
public sealed record ResponseRow(long Id, DateTimeOffset SubmittedAt, IReadOnlyDictionary<long, string> Answers);

/// <summary>
/// A survey's results in the dashboard. Aggregates for whoever may manage the survey; the individual responses
/// only for the organization's owners and admins, and every look at them is audited (<c>survey.responses_viewed</c>).
/// Nothing here is reachable through the API.
/// </summary>
public sealed class SurveyResults(QuestraDbContext db, SurveyMetrics metrics, TimeProvider clock)
{
    public async Task<ServiceResult<SurveyResultsView>> ForUserAsync(string organizationId, string userId, string surveyId, CancellationToken ct = default)
    {
        var found = await SurveyAuthoring.FindManagedAsync(db, organizationId, userId, surveyId, ct);
        if (!found.Succeeded) return found.Error;
        var (survey, role) = found.Value;
        var counts = await AnswerCounts.OfAsync(db, survey, ct);
        var questions = survey.Questions.OrderBy(q => q.Position).ThenBy(q => q.Id).Select(q => ResultOf(q, counts)).ToList();
        return new SurveyResultsView(survey, role, await metrics.ForSurveyAsync(survey.Id, ct), questions);
    }

    public async Task<ServiceResult<Page<ResponseRow>>> ResponsesAsync(string organizationId, Caller caller, string surveyId, int page, int pageSize,
        CancellationToken ct = default)
    {
        var found = await SurveyAuthoring.FindManagedAsync(db, organizationId, caller.UserId, surveyId, ct);
        if (!found.Succeeded) return found.Error;
        var (survey, role) = found.Value;
        if (role is not (OrgRole.Owner or OrgRole.Admin))
        {
            return ServiceError.Forbidden("Individual responses are personal data: only owners and admins may open them.");
        }
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 100);
        var rows = await db.SurveyResponses.AsNoTracking().Where(r => r.SurveyId == survey.Id)
            .OrderByDescending(r => r.SubmittedAt).ThenByDescending(r => r.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).Select(r => new { r.Id, r.SubmittedAt, r.AnswersJson }).ToListAsync(ct);
        var questions = survey.Questions.ToDictionary(q => q.Id);
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.SurveyResponsesViewed, survey.Id, clock.GetUtcNow(),
            new { title = survey.Title, page, responses = rows.Count });
        await db.SaveChangesAsync(ct);
        var items = rows.Select(r => new ResponseRow(r.Id, r.SubmittedAt, Answers.Read(r.AnswersJson)
            .Where(a => questions.ContainsKey(a.Key))
            .ToDictionary(a => a.Key, a => Display(questions[a.Key], a.Value)))).ToList();
        return new Page<ResponseRow>(items, page, pageSize, survey.ResponseCount);
    }

    private static QuestionResult ResultOf(SurveyQuestion q, AnswerCounts counts)
    {
        var answered = counts.Of(q.Id);
        double Share(int n) => answered == 0 ? 0 : Math.Round((double)n / answered, 4);
        if (QuestionKinds.HasOptions(q.Kind))
        {
            return new QuestionResult(q.Id, q.Text, q.Kind, q.Hidden, answered,
                [.. q.Options.Select(o => new OptionResult(o.Id, o.Text, counts.Of(q.Id, o.Id), Share(counts.Of(q.Id, o.Id))))], [], null);
        }
        if (QuestionKinds.IsScale(q.Kind))
        {
            var (min, max) = QuestionKinds.ScaleOf(q.Kind);
            var values = Enumerable.Range(min, max - min + 1).Select(v => new ValueResult(v, counts.ValueCount(q.Id, v), Share(counts.ValueCount(q.Id, v)))).ToList();
            var total = values.Sum(v => v.Count);
            double? mean = total == 0 ? null : Math.Round(values.Sum(v => (double)v.Value * v.Count) / total, 2);
            return new QuestionResult(q.Id, q.Text, q.Kind, q.Hidden, answered, [], values, mean);
        }
        return new QuestionResult(q.Id, q.Text, q.Kind, q.Hidden, answered, [], [], null);
    }

    private static string Display(SurveyQuestion question, Answer answer)
    {
        string OptionText(int id) => question.Options.FirstOrDefault(o => o.Id == id)?.Text ?? $"(option {id})";
        return question.Kind switch
        {
            QuestionKinds.SingleChoice when answer.Value is { } v => OptionText(v),
            QuestionKinds.MultipleChoice when answer.Choices is { } c => string.Join("; ", c.Select(OptionText)),
            _ when answer.Text is { } t => t,
            _ when answer.Value is { } n => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => "",
        };
    }
}
