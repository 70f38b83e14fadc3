using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Surveys;

/// <summary>Writing surveys through the one service the dashboard uses, and what the API then reads.</summary>
public abstract class SurveyAuthoringTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    private Task<ServiceResult<T>> Authoring<T>(Func<SurveyAuthoring, Task<ServiceResult<T>>> work) => Data.WithService(work);

    private static Caller As(string userId) => new(userId, "127.0.0.1");

    // Stores a response as the public form would, from answers by question kind (option answers by option text).
    private Task RespondAsync(Survey survey, params (string Kind, string Value)[] answers)
    {
        var form = ResponseSubmission.FormOf(survey);
        return Data.RespondAsync(survey, answers.Select(a =>
        {
            var q = form.Questions.First(x => x.Kind == a.Kind);
            var value = q.Options.FirstOrDefault(o => o.Text == a.Value)?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? a.Value;
            return KeyValuePair.Create(q.FieldName, new StringValues(value));
        }), factory.Clock.GetUtcNow());
    }

    private Task<List<string>> AuditTypesAsync(string org, string surveyId) =>
        Data.WithDb(db => db.AuditEvents.Where(e => e.OrganizationId == org && e.TargetId == surveyId).OrderBy(e => e.Id).Select(e => e.Type).ToListAsync());

    [Fact]
    public async Task NewSurvey_ReachesAnUnrestrictedKeyMadeBefore_WithKindsAndOptions_NotARestrictedOne()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var older = await Data.AuthoredSurveyAsync(org, owner, TestData.EveryKind("Older"));
        var (_, everything) = await Data.KeyAsync(org, owner);
        var (_, onlyOlder) = await Data.KeyAsync(org, owner, surveyIds: [older.Id]);

        var survey = await Data.AuthoredSurveyAsync(org, owner);

        var json = await Problem.JsonAsync(await factory.ApiClient(everything, org).GetAsync($"/api/surveys/{survey.Id}"));
        Assert.Equal("Active", json.GetProperty("status").GetString());
        var questions = json.GetProperty("questions").EnumerateArray().ToList();
        Assert.Equal(QuestionKinds.All, questions.Select(q => q.GetProperty("kind").GetString()));
        Assert.Equal(["Red", "Green", "Blue"], questions[0].GetProperty("options").EnumerateArray().Select(o => o.GetProperty("text").GetString()));
        Assert.True(questions[2].GetProperty("required").GetBoolean());
        Assert.Empty(questions[4].GetProperty("options").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ApiClient(onlyOlder, org).GetAsync($"/api/surveys/{survey.Id}")).StatusCode);
        var list = await Problem.JsonAsync(await factory.ApiClient(onlyOlder, org).GetAsync("/api/surveys"));
        Assert.Equal([older.Id], list.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task MembersOwnWhatTheyCreate_AndCannotManageAnothersSurvey_AdminsCan()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (alice, bob, admin) = (await Data.UserAsync(), await Data.UserAsync(), await Data.UserAsync());
        await Data.AddMemberAsync(org, alice, OrgRole.Member);
        await Data.AddMemberAsync(org, bob, OrgRole.Member);
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        var alices = await Data.AuthoredSurveyAsync(org, alice, publish: false);
        Assert.Equal(alice, alices.OwnerUserId);

        var bobCloses = await Authoring(a => a.SetStatusAsync(org, As(bob), alices.Id, SurveyStatus.Active));
        var bobEdits = await Authoring(a => a.SaveAsync(org, As(bob), alices.Id, TestData.EveryKind("Bob's now")));
        var bobDeletes = await Authoring(a => a.DeleteAsync(org, As(bob), alices.Id, 0));
        var adminPublishes = await Authoring(a => a.SetStatusAsync(org, As(admin), alices.Id, SurveyStatus.Active));

        Assert.Equal(ErrorKind.Forbidden, bobCloses.Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, bobEdits.Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, bobDeletes.Error?.Kind);
        Assert.True(adminPublishes.Succeeded);
        Assert.Equal("Every kind", await Data.WithDb(db => db.Surveys.Where(s => s.Id == alices.Id).Select(s => s.Title).SingleAsync()));
    }

    [Fact]
    public async Task ARemovedMember_CanNoLongerCreateOrManage()
    {
        var (org, _) = await Data.OrgWithOwnerAsync();
        var alice = await Data.UserAsync();
        await Data.AddMemberAsync(org, alice, OrgRole.Member);
        var survey = await Data.AuthoredSurveyAsync(org, alice);
        await Data.RemoveMemberAsync(org, alice);

        Assert.Equal(ErrorKind.NotAMember, (await Authoring(a => a.CreateAsync(org, As(alice), TestData.EveryKind()))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Authoring(a => a.SetStatusAsync(org, As(alice), survey.Id, SurveyStatus.Closed))).Error?.Kind);
    }

    [Fact]
    public async Task ASurveyOfAnotherOrganization_IsNotFound()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (otherOrg, otherOwner) = await Data.OrgWithOwnerAsync();
        var theirs = await Data.AuthoredSurveyAsync(otherOrg, otherOwner);

        var result = await Authoring(a => a.DeleteAsync(org, As(owner), theirs.Id, 0));

        Assert.Equal(ErrorKind.NotFound, result.Error?.Kind);
        Assert.True(await Data.WithDb(db => db.Surveys.AnyAsync(s => s.Id == theirs.Id)));
    }

    public static TheoryData<string, Action<SurveyDraft>> BadDrafts => new()
    {
        { "Title", d => d.Title = "   " },
        { "Title", d => d.Title = new string('t', 301) },
        { "Description", d => d.Description = new string('d', 2001) },
        { "Questions[0].Options", d => d.Questions[0].Options.RemoveRange(1, 2) },
        { "Questions[0].Options", d => d.Questions[0].Options[1].Text = "red" },
        { "Questions[0].Options", d => d.Questions[0].Options[1].Text = " " },
        { "Questions[2].Options", d => d.Questions[2].Options.Add(new OptionDraft { Text = "Nope" }) },
        { "Questions[3].Kind", d => d.Questions[3].Kind = "matrix" },
        { "Questions[4].Text", d => d.Questions[4].Text = "" },
        { "Questions", d => d.Questions.AddRange(Enumerable.Range(0, 50).Select(i => new QuestionDraft { Kind = QuestionKinds.ShortText, Text = $"Q{i}" })) },
    };

    [Theory]
    [MemberData(nameof(BadDrafts))]
    public async Task ABadDraft_IsRefusedOnItsField_AndNothingIsWritten(string field, Action<SurveyDraft> spoil)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var draft = TestData.EveryKind();
        spoil(draft);

        var result = await Authoring(a => a.CreateAsync(org, As(owner), draft));

        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
        Assert.Contains(field, result.Error!.FieldErrors!.Keys);
        Assert.Equal(0, await Data.WithDb(db => db.Surveys.CountAsync(s => s.OrganizationId == org)));
    }

    [Fact]
    public async Task Statuses_GoDraftActiveClosedAndBack_AndNothingElse_EachAudited()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner, publish: false);

        var closeADraft = await Authoring(a => a.SetStatusAsync(org, As(owner), survey.Id, SurveyStatus.Closed));
        var publish = await Authoring(a => a.SetStatusAsync(org, As(owner), survey.Id, SurveyStatus.Active));
        var publishAgain = await Authoring(a => a.SetStatusAsync(org, As(owner), survey.Id, SurveyStatus.Active));
        var close = await Authoring(a => a.SetStatusAsync(org, As(owner), survey.Id, SurveyStatus.Closed));
        var backToDraft = await Authoring(a => a.SetStatusAsync(org, As(owner), survey.Id, SurveyStatus.Draft));
        var reopen = await Authoring(a => a.SetStatusAsync(org, As(owner), survey.Id, SurveyStatus.Active));

        Assert.Equal(ErrorKind.Conflict, closeADraft.Error?.Kind);
        Assert.True(publish.Succeeded);
        Assert.Equal(ErrorKind.Conflict, publishAgain.Error?.Kind);
        Assert.True(close.Succeeded);
        Assert.Equal(ErrorKind.Conflict, backToDraft.Error?.Kind);
        Assert.True(reopen.Succeeded);
        Assert.Equal(["survey.created", "survey.published", "survey.closed", "survey.reopened"], await AuditTypesAsync(org, survey.Id));
    }

    [Fact]
    public async Task ASurveyWithoutAVisibleQuestion_CannotBePublished()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var draft = new SurveyDraft { Title = "Empty", Questions = [new() { Kind = QuestionKinds.Rating, Text = "Hidden one", Hidden = true }] };
        var survey = await Data.AuthoredSurveyAsync(org, owner, draft, publish: false);

        var result = await Authoring(a => a.SetStatusAsync(org, As(owner), survey.Id, SurveyStatus.Active));

        Assert.Equal(ErrorKind.Conflict, result.Error?.Kind);
        Assert.Equal(SurveyStatus.Draft, await Data.WithDb(db => db.Surveys.Where(s => s.Id == survey.Id).Select(s => s.Status).SingleAsync()));
    }

    [Fact]
    public async Task WithResponses_RenamingAddingHidingAndReordering_AreAllowed_AndAnswersKeepTheirMeaning()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        await RespondAsync(survey, (QuestionKinds.SingleChoice, "Green"), (QuestionKinds.Rating, "5"), (QuestionKinds.ShortText, "Lyon"));
        var editing = (await Data.WithService<SurveyAuthoring, ServiceResult<SurveyEditing>>(a => a.ForEditAsync(org, owner, survey.Id))).Value!;
        var draft = editing.Draft;
        draft.Questions[0].Options[1].Text = "Emerald"; // rename the answered option
        draft.Questions[0].Options.Add(new OptionDraft { Text = "Purple" });
        draft.Questions[0].Options.RemoveAt(2); // Blue: never chosen
        draft.Questions[4].Hidden = true; // the answered short text
        draft.Questions.Add(new QuestionDraft { Kind = QuestionKinds.Rating, Text = "New one" });
        (draft.Questions[0], draft.Questions[1]) = (draft.Questions[1], draft.Questions[0]);

        var saved = await Authoring(a => a.SaveAsync(org, As(owner), survey.Id, draft));

        Assert.True(saved.Succeeded, saved.Error?.Message);
        var results = (await Data.WithService<SurveyResults, ServiceResult<SurveyResultsView>>(r => r.ForUserAsync(org, owner, survey.Id))).Value!;
        var choice = results.Questions.Single(q => q.Kind == QuestionKinds.SingleChoice);
        Assert.Equal(1, results.Questions.ToList().IndexOf(choice));
        Assert.Equal(["Red", "Emerald", "Purple"], choice.Options.Select(o => o.Text));
        Assert.Equal(1, choice.Options.Single(o => o.Text == "Emerald").Count);
        var purple = choice.Options.Single(o => o.Text == "Purple");
        Assert.DoesNotContain(survey.Questions[0].Options, o => o.Id == purple.Id); // a new option never takes an old option's id
        Assert.True(results.Questions.Single(q => q.Kind == QuestionKinds.ShortText).Hidden);
        Assert.Equal(1, results.Questions.Single(q => q.Kind == QuestionKinds.ShortText).Answered);
    }

    [Fact]
    public async Task WithResponses_DeletingAnAnsweredOption_OrQuestion_OrChangingItsKind_IsRefused_AndNothingChanges()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        await RespondAsync(survey, (QuestionKinds.SingleChoice, "Green"), (QuestionKinds.Rating, "5"));
        async Task<ServiceError?> TryAsync(Action<SurveyDraft> change)
        {
            var draft = (await Data.WithService<SurveyAuthoring, ServiceResult<SurveyEditing>>(a => a.ForEditAsync(org, owner, survey.Id))).Value!.Draft;
            draft.Title = "Changed";
            change(draft);
            return (await Authoring(a => a.SaveAsync(org, As(owner), survey.Id, draft))).Error;
        }

        var option = await TryAsync(d => d.Questions[0].Options.RemoveAt(1));
        var question = await TryAsync(d => d.Questions.RemoveAt(2));
        var kind = await TryAsync(d => d.Questions[2].Kind = QuestionKinds.Nps);
        var unansweredQuestion = await TryAsync(d => d.Questions.RemoveAt(5));

        Assert.Contains("\"Green\"", option?.Message);
        Assert.Contains("Hide it instead", question?.Message);
        Assert.Contains("kind cannot change", kind?.Message);
        Assert.Null(unansweredQuestion); // an unanswered question may go, even once the survey has responses
        var stored = await Data.WithDb(db => db.Surveys.Include(s => s.Questions).SingleAsync(s => s.Id == survey.Id));
        Assert.Equal(5, stored.Questions.Count);
        Assert.Equal(3, stored.Questions.Single(q => q.Kind == QuestionKinds.SingleChoice).Options.Count);
    }

    [Fact]
    public async Task AForgedQuestionOrOptionId_FromAnotherSurvey_IsRefused()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        var other = await Data.AuthoredSurveyAsync(org, owner);
        var draft = SurveyDraft.Of(survey);
        draft.Questions[0].Id = other.Questions[0].Id;

        var result = await Authoring(a => a.SaveAsync(org, As(owner), survey.Id, draft));
        var draft2 = SurveyDraft.Of(survey);
        draft2.Questions[0].Options.Add(new OptionDraft { Id = 99, Text = "Forged" });
        var result2 = await Authoring(a => a.SaveAsync(org, As(owner), survey.Id, draft2));

        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
        Assert.Equal(ErrorKind.Validation, result2.Error?.Kind);
        Assert.Equal(6, await Data.WithDb(db => db.SurveyQuestions.CountAsync(q => q.SurveyId == other.Id)));
    }

    [Fact]
    public async Task Delete_NeedsTheCurrentResponseCount_ThenRestrictedKeysLoseOnlyThatSurvey()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var doomed = await Data.AuthoredSurveyAsync(org, owner, TestData.EveryKind("Doomed"));
        var kept = await Data.AuthoredSurveyAsync(org, owner, TestData.EveryKind("Kept"));
        var (_, onlyDoomed) = await Data.KeyAsync(org, owner, surveyIds: [doomed.Id]);
        var (_, both) = await Data.KeyAsync(org, owner, surveyIds: [doomed.Id, kept.Id]);
        await RespondAsync(doomed, (QuestionKinds.Rating, "2"));
        await RespondAsync(doomed, (QuestionKinds.Rating, "3"));

        var stale = await Authoring(a => a.DeleteAsync(org, As(owner), doomed.Id, 1));
        Assert.Equal(ErrorKind.Conflict, stale.Error?.Kind);
        Assert.Contains("2 responses", stale.Error!.Message);
        Assert.True(await Data.WithDb(db => db.Surveys.AnyAsync(s => s.Id == doomed.Id)));

        var deleted = await Authoring(a => a.DeleteAsync(org, As(owner), doomed.Id, 2));

        Assert.Equal(2, deleted.Value);
        Assert.Equal(0, await Data.WithDb(db => db.SurveyResponses.CountAsync(r => r.SurveyId == doomed.Id)));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ApiClient(onlyDoomed, org).GetAsync($"/api/surveys/{doomed.Id}")).StatusCode);
        Assert.Equal(0, (await Problem.JsonAsync(await factory.ApiClient(onlyDoomed, org).GetAsync("/api/surveys"))).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ApiClient(onlyDoomed, org).GetAsync($"/api/surveys/{kept.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(both, org).GetAsync($"/api/surveys/{kept.Id}")).StatusCode);
        var events = await Data.WithDb(db => db.AuditEvents.Where(e => e.TargetId == doomed.Id && e.Type == "survey.deleted").Select(e => e.Details).ToListAsync());
        Assert.Contains("\"responses\":2", Assert.Single(events));
    }

    [Fact]
    public async Task AChildKey_OfAKeyRestrictedToADeletedSurvey_GainsNothing()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var doomed = await Data.AuthoredSurveyAsync(org, owner);
        var other = await Data.AuthoredSurveyAsync(org, owner);
        var (_, parent) = await Data.KeyAsync(org, owner, scopes: ["surveys:read", "responses:read", "api_keys:write"], surveyIds: [doomed.Id]);
        Assert.True((await Authoring(a => a.DeleteAsync(org, As(owner), doomed.Id, 0))).Succeeded);

        var child = await factory.ApiClient(parent, org).PostAsJsonAsync("/api/api-keys", new { name = "child" });
        var childSecret = (await Problem.JsonAsync(child, HttpStatusCode.Created)).GetProperty("secret").GetString();
        var widen = await factory.ApiClient(parent, org).PostAsJsonAsync("/api/api-keys", new { name = "wider", survey_ids = new[] { other.Id } });

        Assert.Equal(HttpStatusCode.NotFound, (await factory.ApiClient(childSecret, org).GetAsync($"/api/surveys/{other.Id}")).StatusCode);
        Assert.Equal(0, (await Problem.JsonAsync(await factory.ApiClient(childSecret, org).GetAsync("/api/surveys"))).GetProperty("total").GetInt32());
        Assert.True(widen.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{widen.StatusCode}");
    }

    [Fact]
    public async Task AMembersKey_SeesTheSurveysTheyCreateLater_NotAnotherMembers()
    {
        var org = await Data.OrgAsync(policy: ApiKeyCreationPolicy.AllMembers);
        var (alice, bob) = (await Data.UserAsync(), await Data.UserAsync());
        await Data.AddMemberAsync(org, alice, OrgRole.Member);
        await Data.AddMemberAsync(org, bob, OrgRole.Member);
        var (_, alicesKey) = await Data.KeyAsync(org, alice);

        var hers = await Data.AuthoredSurveyAsync(org, alice);
        var his = await Data.AuthoredSurveyAsync(org, bob);

        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(alicesKey, org).GetAsync($"/api/surveys/{hers.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ApiClient(alicesKey, org).GetAsync($"/api/surveys/{his.Id}")).StatusCode);
    }

    [Fact]
    public async Task Metrics_CountResponsesFromTheForm_AsComplete()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        var (_, key) = await Data.KeyAsync(org, owner);
        await RespondAsync(survey, (QuestionKinds.Rating, "1"));
        await RespondAsync(survey, (QuestionKinds.Rating, "5"), (QuestionKinds.LongText, "private words"));

        var response = await factory.ApiClient(key, org).GetAsync($"/api/surveys/{survey.Id}/metrics/responses");
        var body = await response.Content.ReadAsStringAsync();
        var json = await Problem.JsonAsync(response);

        Assert.Equal(2, json.GetProperty("total").GetInt32());
        Assert.Equal(1.0, json.GetProperty("completion_rate").GetDouble());
        Assert.DoesNotContain("private words", body);
        Assert.DoesNotContain("private words", await (await factory.ApiClient(key, org).GetAsync($"/api/surveys/{survey.Id}")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Results_CountOptionsAndRatings_AndIndividualResponses_AreForOwnersAndAdminsOnly_Audited()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var alice = await Data.UserAsync();
        await Data.AddMemberAsync(org, alice, OrgRole.Member);
        var survey = await Data.AuthoredSurveyAsync(org, alice);
        await RespondAsync(survey, (QuestionKinds.SingleChoice, "Red"), (QuestionKinds.Rating, "5"), (QuestionKinds.LongText, "hello"));
        await RespondAsync(survey, (QuestionKinds.SingleChoice, "Red"), (QuestionKinds.Rating, "2"));
        await RespondAsync(survey, (QuestionKinds.SingleChoice, "Blue"), (QuestionKinds.Rating, "2"), (QuestionKinds.MultipleChoice, "Green"));

        var results = (await Data.WithService<SurveyResults, ServiceResult<SurveyResultsView>>(r => r.ForUserAsync(org, alice, survey.Id))).Value!;
        var members = await Data.WithService<SurveyResults, ServiceResult<Page<ResponseRow>>>(r => r.ResponsesAsync(org, As(alice), survey.Id, 1, 20));
        var owners = await Data.WithService<SurveyResults, ServiceResult<Page<ResponseRow>>>(r => r.ResponsesAsync(org, As(owner), survey.Id, 1, 20));

        var choice = results.Questions[0];
        Assert.Equal(3, choice.Answered);
        Assert.Equal([2, 0, 1], choice.Options.Select(o => o.Count));
        Assert.Equal(0.6667, choice.Options[0].Share);
        var rating = results.Questions[2];
        Assert.Equal(3.0, rating.Mean);
        Assert.Equal([0, 2, 0, 0, 1], rating.Values.Select(v => v.Count));
        Assert.Equal(1, results.Questions[5].Answered);
        Assert.False(results.CanViewResponses);
        Assert.Equal(ErrorKind.Forbidden, members.Error?.Kind);
        Assert.Equal(3, owners.Value!.Items.Count);
        Assert.Contains(owners.Value.Items, r => r.Answers.Values.Contains("hello"));
        Assert.Contains("survey.responses_viewed", await AuditTypesAsync(org, survey.Id));
    }
}

public sealed class SurveyAuthoringTestsOnSqlite(QuestraFactory factory) : SurveyAuthoringTests(factory), IClassFixture<QuestraFactory>;

public sealed class SurveyAuthoringTestsOnPostgres(PostgresFactory factory) : SurveyAuthoringTests(factory), IClassFixture<PostgresFactory>;
