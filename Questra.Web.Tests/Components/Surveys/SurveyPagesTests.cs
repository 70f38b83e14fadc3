using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using MudBlazor;
using Questra.Web.Components.Pages.Surveys;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Components.Surveys;

/// <summary>The survey editor, the survey page and the list, rendered by bUnit over the app's real services and database.</summary>
public abstract class SurveyPagesTests(QuestraFactory factory) : DashboardTestContext
{
    private string CurrentUri => Services.GetRequiredService<NavigationManager>().Uri;

    // MudSwitch and MudTextField put the test id on their input or around it, depending on the component.
    private static IElement InputOf(IElement element) =>
        element.TagName is "INPUT" or "TEXTAREA" ? element : element.QuerySelector("input, textarea") ?? element;

    private static List<string?> QuestionTexts(IRenderedComponent<SurveyEditor> cut) =>
        cut.FindAll("[data-testid=question-text]").Select(e => InputOf(e).GetAttribute("value")).ToList();

    // A response through the same checks as the public form, stored as the form stores it.
    private Task RespondAsync(Survey survey, params (int Question, string[] Values)[] answers)
    {
        var form = ResponseSubmission.FormOf(survey);
        return factory.Data.RespondAsync(survey,
            answers.Select(a => new KeyValuePair<string, StringValues>(form.Questions[a.Question].FieldName, new StringValues(a.Values))), factory.Clock.GetUtcNow());
    }

    // A new user with the role in the org, the org selected, and the dashboard rendered as them.
    private static string OptionId(Survey survey, int question, string text) =>
        ResponseSubmission.FormOf(survey).Questions[question].Options.Single(o => o.Text == text).Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Three responses to the "every kind" survey: Red, Red, Green; ratings 5, 4 and 3; two short texts.
    private async Task ThreeResponsesAsync(Survey survey, string secretText = "Lisbon")
    {
        string Colour(string text) => OptionId(survey, 0, text);
        await RespondAsync(survey, (0, [Colour("Red")]), (1, [Colour("Red"), Colour("Blue")]), (2, ["5"]), (3, ["9"]), (4, [secretText]));
        await RespondAsync(survey, (0, [Colour("Red")]), (1, [Colour("Blue")]), (2, ["4"]), (4, ["Porto"]));
        await RespondAsync(survey, (0, [Colour("Green")]), (2, ["3"]));
    }

    [Fact]
    public async Task Editor_CreatesASurveyWithAChoiceQuestionAndItsOptions_ThenOpensIt()
    {
        var (org, _) = await factory.Data.OrgWithOwnerAsync();
        var member = await SignedInAsync(factory, org, OrgRole.Member);

        var cut = Render<SurveyEditor>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=question-editor]")));
        await cut.Find("[data-testid=survey-title]").InputAsync("  Team lunch  ");
        await cut.Find("[data-testid=question-text]").InputAsync("Where shall we eat?");
        Assert.Equal(QuestionKinds.SingleChoice, cut.Find("[data-testid=question-kind]").GetAttribute("value"));
        var options = cut.FindAll("[data-testid=option-text]");
        Assert.Equal(2, options.Count);
        await options[0].InputAsync("Canteen");
        await options[1].InputAsync("Noodle bar");
        await cut.Find("[data-testid=add-option]").ClickAsync(new());
        await cut.FindAll("[data-testid=option-text]")[2].InputAsync("Park");
        await InputOf(cut.Find("[data-testid=question-required]")).ChangeAsync(true);

        await cut.Find("[data-testid=save-survey]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Matches(@"/surveys/sv_\w+$", CurrentUri));
        var id = CurrentUri[(CurrentUri.LastIndexOf('/') + 1)..];
        var stored = await factory.Data.WithDb(db => db.Surveys.Include(s => s.Questions).SingleAsync(s => s.Id == id));
        Assert.Equal(("Team lunch", SurveyStatus.Draft, member, org), (stored.Title, stored.Status, stored.OwnerUserId, stored.OrganizationId));
        var question = Assert.Single(stored.Questions);
        Assert.Equal((QuestionKinds.SingleChoice, "Where shall we eat?", true, false), (question.Kind, question.Text, question.Required, question.Hidden));
        Assert.Equal(["Canteen", "Noodle bar", "Park"], question.Options.Select(o => o.Text));
    }

    [Fact]
    public async Task Editor_KindWithoutOptions_SendsNoOptions_AndTheOptionsComeBackWithAChoiceKind()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        UseApp(factory, owner);
        var cut = Render<SurveyEditor>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=question-editor]")));
        await cut.Find("[data-testid=survey-title]").InputAsync("Kinds");
        await cut.Find("[data-testid=question-text]").InputAsync("Rate the venue");
        await cut.FindAll("[data-testid=option-text]")[0].InputAsync("typed before changing my mind");

        await cut.Find("[data-testid=question-kind]").ChangeAsync(QuestionKinds.Rating);
        Assert.Empty(cut.FindAll("[data-testid=option-text]"));
        await cut.Find("[data-testid=question-kind]").ChangeAsync(QuestionKinds.MultipleChoice);
        Assert.Equal("typed before changing my mind", cut.FindAll("[data-testid=option-text]")[0].GetAttribute("value"));
        await cut.Find("[data-testid=question-kind]").ChangeAsync(QuestionKinds.Rating);
        await cut.Find("[data-testid=save-survey]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Matches(@"/surveys/sv_\w+$", CurrentUri));
        var id = CurrentUri[(CurrentUri.LastIndexOf('/') + 1)..];
        var question = await factory.Data.WithDb(db => db.SurveyQuestions.SingleAsync(q => q.SurveyId == id));
        Assert.Equal(QuestionKinds.Rating, question.Kind);
        Assert.Empty(question.Options);
    }

    [Fact]
    public async Task Editor_ServerRefusal_ShowsTheMessagesNextToTheFields_AndKeepsWhatWasTyped()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        UseApp(factory, owner);
        var cut = Render<SurveyEditor>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=question-editor]")));
        await cut.Find("[data-testid=question-text]").InputAsync("Which day suits you?");
        var options = cut.FindAll("[data-testid=option-text]");
        await options[0].InputAsync("Monday");
        await options[1].InputAsync("monday");

        await cut.Find("[data-testid=save-survey]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Give the survey a title.", cut.Find("[data-testid=editor-errors]").TextContent));
        Assert.Contains("Give the survey a title.", cut.Find("#survey-title-error").TextContent);
        Assert.Contains("Question 1 lists the same option twice.", cut.Find("[data-testid=options-error]").TextContent);
        Assert.Contains("Question 1 lists the same option twice.", cut.Find("[data-testid=editor-errors]").TextContent);
        Assert.Equal(["Which day suits you?"], QuestionTexts(cut));
        Assert.Equal(["Monday", "monday"], cut.FindAll("[data-testid=option-text]").Select(o => o.GetAttribute("value")));
        Assert.EndsWith("/", CurrentUri);
        Assert.Equal(0, await factory.Data.WithDb(db => db.Surveys.CountAsync(s => s.OrganizationId == org)));

        // Fixing the field clears its message at once; the survey is then created.
        await cut.FindAll("[data-testid=option-text]")[1].InputAsync("Tuesday");
        Assert.Empty(cut.FindAll("[data-testid=options-error]"));
        await cut.Find("[data-testid=survey-title]").InputAsync("Planning");
        await cut.Find("[data-testid=save-survey]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Matches(@"/surveys/sv_\w+$", CurrentUri));
    }

    [Fact]
    public async Task Editor_MoveUpAndDown_ReordersTheQuestions_AndSavesThatOrder()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner, publish: false);
        UseApp(factory, owner);

        var cut = Render<SurveyEditor>(p => p.Add(e => e.Id, survey.Id));

        cut.WaitForAssertion(() => Assert.Equal(6, cut.FindAll("[data-testid=question-editor]").Count));
        Assert.Equal("Move question 1 up", cut.FindAll("[data-testid=move-up]")[0].GetAttribute("aria-label"));
        Assert.True(cut.FindAll("[data-testid=move-up]")[0].HasAttribute("disabled"));
        Assert.True(cut.FindAll("[data-testid=move-down]")[5].HasAttribute("disabled"));

        await cut.FindAll("[data-testid=move-up]")[1].ClickAsync(new());
        Assert.Equal(["Colours you own?", "Favourite colour?", "Rate us", "Recommend us?", "Your city", "Anything else?"], QuestionTexts(cut));
        await cut.FindAll("[data-testid=move-down]")[4].ClickAsync(new());
        Assert.Equal(["Colours you own?", "Favourite colour?", "Rate us", "Recommend us?", "Anything else?", "Your city"], QuestionTexts(cut));
        Assert.Equal(QuestionKinds.LongText, cut.FindAll("[data-testid=question-kind]")[4].GetAttribute("value"));

        await cut.Find("[data-testid=save-survey]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.EndsWith($"/surveys/{survey.Id}", CurrentUri));
        var order = await factory.Data.WithDb(db => db.SurveyQuestions.Where(q => q.SurveyId == survey.Id).OrderBy(q => q.Position).Select(q => q.Text).ToListAsync());
        Assert.Equal(["Colours you own?", "Favourite colour?", "Rate us", "Recommend us?", "Anything else?", "Your city"], order);
    }

    [Fact]
    public async Task Editor_OnASurveyWithAnswers_SaysWhatMayChange_AndDisablesDeletingWhatHasAnswers()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner);
        await RespondAsync(survey, (0, [OptionId(survey, 0, "Green")]), (2, ["4"]));
        UseApp(factory, owner);

        var cut = Render<SurveyEditor>(p => p.Add(e => e.Id, survey.Id));

        cut.WaitForAssertion(() => Assert.Contains("This survey has 1 response.", cut.Find("[data-testid=answers-notice]").TextContent));
        Assert.Contains("cannot be deleted", cut.Find("[data-testid=answers-notice]").TextContent);
        var first = cut.FindAll("[data-testid=question-editor]")[0];
        var deletes = first.QuerySelectorAll("[data-testid=delete-option]");
        Assert.Equal([false, true, false], deletes.Select(d => d.HasAttribute("disabled")));
        Assert.Contains("rename it instead", deletes[1].GetAttribute("title"));
        Assert.True(first.QuerySelector("[data-testid=delete-question]")!.HasAttribute("disabled"));
        Assert.True(first.QuerySelector("[data-testid=question-kind]")!.HasAttribute("disabled"));
        Assert.Contains("hide it instead", first.QuerySelector("[data-testid=question-kept]")!.TextContent);
        // The multiple-choice question has no answers: everything about it may still go.
        var second = cut.FindAll("[data-testid=question-editor]")[1];
        Assert.All(second.QuerySelectorAll("[data-testid=delete-option]"), d => Assert.False(d.HasAttribute("disabled")));
        Assert.False(second.QuerySelector("[data-testid=delete-question]")!.HasAttribute("disabled"));

        // What is allowed saves: a renamed option, a new option, a hidden question, one deleted question without answers.
        await first.QuerySelectorAll("[data-testid=option-text]")[1].InputAsync("Sea green");
        await cut.FindAll("[data-testid=question-editor]")[0].QuerySelector("[data-testid=add-option]")!.ClickAsync(new());
        await cut.FindAll("[data-testid=question-editor]")[0].QuerySelectorAll("[data-testid=option-text]")[3].InputAsync("Purple");
        await InputOf(cut.FindAll("[data-testid=question-hidden]")[2]).ChangeAsync(true);
        await cut.FindAll("[data-testid=delete-question]")[5].ClickAsync(new());
        await cut.Find("[data-testid=save-survey]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.EndsWith($"/surveys/{survey.Id}", CurrentUri));
        var questions = await factory.Data.WithDb(db => db.SurveyQuestions.Where(q => q.SurveyId == survey.Id).OrderBy(q => q.Position).ToListAsync());
        Assert.Equal(5, questions.Count);
        Assert.Equal(["Red", "Sea green", "Blue", "Purple"], questions[0].Options.Select(o => o.Text));
        Assert.Equal(OptionId(survey, 0, "Green"), questions[0].Options[1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(questions[2].Hidden);
    }

    [Fact]
    public async Task Editor_ForAnotherMembersSurvey_SaysItIsNotAvailable()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner);
        var member = await SignedInAsync(factory, org, OrgRole.Member);

        var cut = Render<SurveyEditor>(p => p.Add(e => e.Id, survey.Id));

        cut.WaitForAssertion(() => Assert.Contains("Members manage only the surveys they own", cut.Find("[data-testid=survey-unavailable]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=save-survey]"));
    }

    [Fact]
    public async Task ResultsPage_ShowsOptionCountsAndShares_TheMeanOfRatings_AndOnlyHowManyAnsweredTexts()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner);
        await ThreeResponsesAsync(survey, secretText: "My secret town");
        UseApp(factory, owner);

        var cut = Render<SurveyResultsPage>(p => p.Add(e => e.Id, survey.Id));

        cut.WaitForAssertion(() => Assert.Equal(6, cut.FindAll("[data-testid=question-result]").Count));
        Assert.Equal("3", cut.Find("[data-testid=metric-total]").TextContent);
        Assert.Equal("100%", cut.Find("[data-testid=metric-completion]").TextContent);
        Assert.Contains("Every response sent through the form is complete", cut.Find("[data-testid=completion-note]").TextContent);
        var results = cut.FindAll("[data-testid=question-result]");

        string[] Rows(IElement result, string row) => [.. result.QuerySelectorAll($"[data-testid={row}]")
            .Select(r => string.Join(" | ", r.Children.Select(c => c.TextContent.Trim())))];
        Assert.Equal(["Red | 2 | 66.7%", "Green | 1 | 33.3%", "Blue | 0 | 0%"], Rows(results[0], "option-result"));
        Assert.Equal(["Red | 1 | 50%", "Green | 0 | 0%", "Blue | 2 | 100%"], Rows(results[1], "option-result"));
        Assert.Contains("add up to more than 100%", results[1].TextContent);
        Assert.Equal("4", results[2].QuerySelector("[data-testid=question-mean]")!.TextContent);
        Assert.Equal(["1 | 0 | 0%", "2 | 0 | 0%", "3 | 1 | 33.3%", "4 | 1 | 33.3%", "5 | 1 | 33.3%"], Rows(results[2], "value-result"));
        Assert.Equal("9", results[3].QuerySelector("[data-testid=question-mean]")!.TextContent);
        Assert.Equal(11, results[3].QuerySelectorAll("[data-testid=value-result]").Length);
        Assert.Equal("2 answers", results[4].QuerySelector("[data-testid=text-answers]")!.TextContent);
        Assert.Equal("0 answers", results[5].QuerySelector("[data-testid=text-answers]")!.TextContent);
        // Text answers are personal data: the results never show them.
        Assert.DoesNotContain("My secret town", cut.Markup);
        Assert.Single(cut.FindAll("[data-testid=responses-chart]"));
        Assert.Contains($"http://localhost/s/{survey.PublicId}", InputOf(cut.Find("[data-testid=public-link]")).GetAttribute("value"));
    }

    [Fact]
    public async Task ResultsPage_LabelsHiddenQuestions()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var draft = TestData.EveryKind();
        draft.Questions[4].Hidden = true;
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner, draft);
        UseApp(factory, owner);

        var cut = Render<SurveyResultsPage>(p => p.Add(e => e.Id, survey.Id));

        cut.WaitForAssertion(() => Assert.Equal(6, cut.FindAll("[data-testid=question-result]").Count));
        var hidden = cut.FindAll("[data-testid=question-result]").Select(r => r.QuerySelector("[data-testid=question-hidden]") is not null);
        Assert.Equal([false, false, false, false, true, false], hidden);
        Assert.Single(cut.FindAll("[data-testid=no-responses]"));
    }

    [Fact]
    public async Task ResultsPage_PublishCloseAndReopen_ChangeTheStatus_AndTheLinkShowsOnlyWhileActive()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner, publish: false);
        UseApp(factory, owner);

        var cut = Render<SurveyResultsPage>(p => p.Add(e => e.Id, survey.Id));

        cut.WaitForAssertion(() => Assert.Equal("Draft", cut.Find("[data-testid=survey-status]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=public-link]"));
        await cut.Find("[data-testid=publish-survey]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("Active", cut.Find("[data-testid=survey-status]").TextContent));
        Assert.EndsWith($"/s/{survey.PublicId}", InputOf(cut.Find("[data-testid=public-link]")).GetAttribute("value"));
        Assert.True(InputOf(cut.Find("[data-testid=public-link]")).HasAttribute("readonly"));
        Assert.Single(cut.FindAll("[data-testid=copy-public-link]"));

        await cut.Find("[data-testid=close-survey]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("Closed", cut.Find("[data-testid=survey-status]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=public-link]"));
        await cut.Find("[data-testid=reopen-survey]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("Active", cut.Find("[data-testid=survey-status]").TextContent));
        Assert.Equal(SurveyStatus.Active, await factory.Data.WithDb(db => db.Surveys.Where(s => s.Id == survey.Id).Select(s => s.Status).SingleAsync()));
    }

    [Fact]
    public async Task ResultsPage_PublishWithoutVisibleQuestions_SaysWhyOnThePage()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner, new SurveyDraft { Title = "Empty" }, publish: false);
        UseApp(factory, owner);

        var cut = Render<SurveyResultsPage>(p => p.Add(e => e.Id, survey.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=publish-survey]"));
        await cut.Find("[data-testid=publish-survey]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("before publishing", cut.Find("[data-testid=action-error]").TextContent));
        Assert.Equal("Draft", cut.Find("[data-testid=survey-status]").TextContent);
    }

    [Fact]
    public async Task ResultsPage_Delete_AsksNamingTheResponses_ThenDeletesTheSurvey()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner, TestData.EveryKind("Quarterly pulse"));
        await ThreeResponsesAsync(survey);
        UseApp(factory, owner);

        var dialogs = Render<MudDialogProvider>();
        var cut = Render<SurveyResultsPage>(p => p.Add(e => e.Id, survey.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=delete-survey]"));
        // The click waits for the question; it ends once the dialog is answered.
        var deleting = cut.Find("[data-testid=delete-survey]").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Equal(
            "Delete “Quarterly pulse” and its 3 responses? Keys restricted to this survey will no longer reach it.",
            dialogs.Find("[data-testid=confirm-message]").TextContent));
        await dialogs.Find("[data-testid=confirm-ok]").ClickAsync(new());
        await deleting;

        cut.WaitForAssertion(() => Assert.Equal("http://localhost/", CurrentUri));
        Assert.False(await factory.Data.WithDb(db => db.Surveys.AnyAsync(s => s.Id == survey.Id)));
    }

    [Fact]
    public async Task ResultsPage_Delete_WhenAResponseArrivedMeanwhile_DeletesNothing_AndAsksAgainWithTheNewCount()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner, TestData.EveryKind("Pulse"));
        await RespondAsync(survey, (2, ["5"]));
        UseApp(factory, owner);

        var dialogs = Render<MudDialogProvider>();
        var cut = Render<SurveyResultsPage>(p => p.Add(e => e.Id, survey.Id));
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=metric-total]").TextContent));
        await RespondAsync(survey, (2, ["4"]));
        var deleting = cut.Find("[data-testid=delete-survey]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.StartsWith("Delete “Pulse” and its 1 response?", dialogs.Find("[data-testid=confirm-message]").TextContent));
        await dialogs.Find("[data-testid=confirm-ok]").ClickAsync(new());
        await deleting;

        cut.WaitForAssertion(() => Assert.Contains("now has 2 responses", cut.Find("[data-testid=action-error]").TextContent));
        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid=metric-total]").TextContent));
        Assert.True(await factory.Data.WithDb(db => db.Surveys.AnyAsync(s => s.Id == survey.Id)));
        var askingAgain = cut.Find("[data-testid=delete-survey]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.StartsWith("Delete “Pulse” and its 2 responses?", dialogs.Find("[data-testid=confirm-message]").TextContent));
        await dialogs.Find("[data-testid=confirm-cancel]").ClickAsync(new());
        await askingAgain;
        Assert.True(await factory.Data.WithDb(db => db.Surveys.AnyAsync(s => s.Id == survey.Id)));
    }

    [Fact]
    public async Task ResultsPage_ToAMemberWhoOwnsTheSurvey_OffersNoIndividualResponses()
    {
        var (org, _) = await factory.Data.OrgWithOwnerAsync();
        var member = await factory.Data.UserAsync();
        await factory.Data.AddMemberAsync(org, member, OrgRole.Member);
        await factory.Data.SelectOrganizationAsync(member, org);
        var survey = await factory.Data.AuthoredSurveyAsync(org, member);
        await ThreeResponsesAsync(survey);
        UseApp(factory, member);

        var cut = Render<SurveyResultsPage>(p => p.Add(e => e.Id, survey.Id));

        cut.WaitForAssertion(() => Assert.Equal(6, cut.FindAll("[data-testid=question-result]").Count));
        Assert.Empty(cut.FindAll("[data-testid=view-responses]"));
        Assert.Contains("only the organization's owners and admins", cut.Find("[data-testid=responses-owners-only]").TextContent);
        Assert.Single(cut.FindAll("[data-testid=delete-survey]"));
    }

    [Fact]
    public async Task ResultsPage_ViewResponses_ShowsThemAsText_AndRecordsTheLookInTheAuditLog()
    {
        var (org, _) = await factory.Data.OrgWithOwnerAsync();
        var admin = await factory.Data.UserAsync();
        await factory.Data.AddMemberAsync(org, admin, OrgRole.Admin);
        await factory.Data.SelectOrganizationAsync(admin, org);
        var survey = await factory.Data.AuthoredSurveyAsync(org, admin);
        await ThreeResponsesAsync(survey, secretText: "<b>bold</b> & <script>alert(1)</script>");
        UseApp(factory, admin);
        Task<int> Viewed() => factory.Data.WithDb(db => db.AuditEvents.CountAsync(e =>
            e.OrganizationId == org && e.TargetId == survey.Id && e.Type == AuditEventTypes.SurveyResponsesViewed && e.ActorUserId == admin));

        var cut = Render<SurveyResultsPage>(p => p.Add(e => e.Id, survey.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=view-responses]"));
        Assert.Contains("recorded in the audit log", cut.Find("[data-testid=responses-audit-note]").TextContent);
        Assert.Equal(0, await Viewed());
        await cut.Find("[data-testid=view-responses]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=response-row]").Count));
        Assert.Equal(1, await Viewed());
        Assert.Contains(cut.FindAll("[data-testid=response-answer]"), a => a.TextContent == "<b>bold</b> & <script>alert(1)</script>");
        Assert.Empty(cut.FindAll("[data-testid=responses-table] script, [data-testid=responses-table] b"));
        Assert.Contains(cut.FindAll("[data-testid=response-answer]"), a => a.TextContent == "Red; Blue");
    }

    [Fact]
    public async Task ResultsPage_UnknownSurvey_OrAnotherMembersSurvey_SaysItIsNotAvailable()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner);
        var member = await SignedInAsync(factory, org, OrgRole.Member);

        var missing = Render<SurveyResultsPage>(p => p.Add(e => e.Id, "sv_doesnotexist"));
        missing.WaitForAssertion(() => Assert.Contains("no such survey", missing.Find("[data-testid=survey-unavailable]").TextContent));

        var others = Render<SurveyResultsPage>(p => p.Add(e => e.Id, survey.Id));
        others.WaitForAssertion(() => Assert.Contains("belongs to another member", others.Find("[data-testid=survey-unavailable]").TextContent));
        Assert.Empty(others.FindAll("[data-testid=question-result]"));
    }

    [Fact]
    public async Task ResultsPage_AfterTheUserWasRemoved_SaysTheyAreNoLongerAMember()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.AuthoredSurveyAsync(org, owner);
        var admin = await SignedInAsync(factory, org, OrgRole.Admin);
        var cut = Render<SurveyResultsPage>(p => p.Add(e => e.Id, survey.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=close-survey]"));

        await factory.Data.RemoveMemberAsync(org, admin);
        await cut.Find("[data-testid=close-survey]").ClickAsync(new());

        cut.WaitForAssertion(() => cut.Find("[data-testid=no-longer-member]"));
        Assert.Equal(SurveyStatus.Active, await factory.Data.WithDb(db => db.Surveys.Where(s => s.Id == survey.Id).Select(s => s.Status).SingleAsync()));
    }

    [Fact]
    public async Task SurveysPage_OffersANewSurvey_AndLinksEachTitleToItsPage()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        UseApp(factory, owner);

        var empty = Render<SurveysPage>();
        empty.WaitForAssertion(() => Assert.Equal("/surveys/new", empty.Find("[data-testid=create-first-survey]").GetAttribute("href")));
        Assert.Equal("/surveys/new", empty.Find("[data-testid=new-survey]").GetAttribute("href"));

        var survey = await factory.Data.AuthoredSurveyAsync(org, owner, TestData.EveryKind("Churn interviews"));
        var listed = Render<SurveysPage>();
        listed.WaitForAssertion(() => Assert.Equal("Churn interviews", listed.Find("[data-testid=survey-link]").TextContent));
        Assert.Equal($"/surveys/{survey.Id}", listed.Find("[data-testid=survey-link]").GetAttribute("href"));
        Assert.Equal("Active", listed.Find("[data-testid=survey-status]").TextContent);
    }
}

public sealed class SurveyPagesTestsOnSqlite(QuestraFactory factory) : SurveyPagesTests(factory), IClassFixture<QuestraFactory>;

public sealed class SurveyPagesTestsOnPostgres(PostgresFactory factory) : SurveyPagesTests(factory), IClassFixture<PostgresFactory>;
