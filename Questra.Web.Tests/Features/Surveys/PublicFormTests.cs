using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Surveys;

/// <summary>The public form at /s/{public id}, as a respondent's browser (and a spammer's script) meets it.</summary>
public abstract partial class PublicFormTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    // Each test answers from an address of its own, so the per-address throttle of one test never touches another.
    private HttpClient Respondent(string? ip = null)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Add(QuestraFactory.ClientIpHeader, ip ?? $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}");
        return client;
    }

    private async Task<(Survey Survey, Dictionary<string, long> Questions)> ActiveSurveyAsync()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        return (survey, survey.Questions.ToDictionary(q => q.Kind, q => q.Id));
    }

    private static string Option(Survey survey, string kind, string text) =>
        survey.Questions.Single(q => q.Kind == kind).Options.Single(o => o.Text == text).Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Opens the form and sends it with the page's antiforgery token and the given fields (repeated names allowed).
    private static async Task<HttpResponseMessage> AnswerAsync(HttpClient client, Survey survey, params (string Name, string Value)[] fields)
    {
        var page = await client.GetAsync($"/s/{survey.PublicId}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var token = Token().Match(await page.Content.ReadAsStringAsync());
        Assert.True(token.Success, "the form carries an antiforgery token");
        var body = fields.Select(f => KeyValuePair.Create(f.Name, f.Value))
            .Append(KeyValuePair.Create("form_token", WebUtility.HtmlDecode(token.Groups[1].Value)));
        return await client.PostAsync($"/s/{survey.PublicId}", new FormUrlEncodedContent(body));
    }

    private static string Field(Dictionary<string, long> questions, string kind) => $"q{questions[kind]}";

    private Task<int> ResponseCountAsync(string surveyId) => Data.WithDb(db => db.SurveyResponses.CountAsync(r => r.SurveyId == surveyId));

    [Fact]
    public async Task Get_ActiveSurvey_ShowsEveryQuestion_WithoutSignIn_NotCached()
    {
        var (survey, questions) = await ActiveSurveyAsync();

        var page = await Respondent().GetAsync($"/s/{survey.PublicId}");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(page.Headers.CacheControl?.NoStore, "the page is never kept by a cache");
        Assert.Contains("<h1>Every kind</h1>", html);
        foreach (var id in questions.Values) Assert.Contains($"name=\"q{id}\"", html);
        Assert.Contains("type=\"radio\"", html);
        Assert.Contains("type=\"checkbox\"", html);
        Assert.Contains("<textarea", html);
        Assert.Matches(Token(), html);
        Assert.DoesNotContain(survey.Id, html); // the API id never shows on the public page
        Assert.DoesNotContain("blazor", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_ValidAnswers_StoresOneCompleteResponse_AndRedirectsToThanks()
    {
        var (survey, q) = await ActiveSurveyAsync();
        var client = Respondent();

        var answer = await AnswerAsync(client, survey,
            (Field(q, QuestionKinds.SingleChoice), Option(survey, QuestionKinds.SingleChoice, "Green")),
            (Field(q, QuestionKinds.MultipleChoice), Option(survey, QuestionKinds.MultipleChoice, "Red")),
            (Field(q, QuestionKinds.MultipleChoice), Option(survey, QuestionKinds.MultipleChoice, "Blue")),
            (Field(q, QuestionKinds.Rating), "4"),
            (Field(q, QuestionKinds.Nps), "0"),
            (Field(q, QuestionKinds.ShortText), "  Lyon \t"),
            (Field(q, QuestionKinds.LongText), "Line one\r\nLine two"));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal($"/s/{survey.PublicId}/thanks", answer.Headers.Location?.OriginalString);
        var thanks = await client.GetAsync(answer.Headers.Location);
        Assert.Contains("were recorded", await thanks.Content.ReadAsStringAsync());
        var stored = await Data.WithDb(db => db.SurveyResponses.SingleAsync(r => r.SurveyId == survey.Id));
        Assert.True(stored.Completed);
        var answers = Answers.Read(stored.AnswersJson);
        Assert.Equal(int.Parse(Option(survey, QuestionKinds.SingleChoice, "Green"), System.Globalization.CultureInfo.InvariantCulture), answers[q[QuestionKinds.SingleChoice]].Value);
        Assert.Equal(2, answers[q[QuestionKinds.MultipleChoice]].Choices!.Length);
        Assert.Equal(4, answers[q[QuestionKinds.Rating]].Value);
        Assert.Equal(0, answers[q[QuestionKinds.Nps]].Value);
        Assert.Equal("Lyon", answers[q[QuestionKinds.ShortText]].Text);
        Assert.Equal("Line one\nLine two", answers[q[QuestionKinds.LongText]].Text);
        Assert.Equal(1, await Data.WithDb(db => db.Surveys.Where(s => s.Id == survey.Id).Select(s => s.ResponseCount).SingleAsync()));
    }

    [Fact]
    public async Task Post_MissingRequiredAnswer_ShowsTheFormAgainWithTheMessage_KeepsWhatWasTyped_StoresNothing()
    {
        var (survey, q) = await ActiveSurveyAsync();

        var answer = await AnswerAsync(Respondent(), survey, (Field(q, QuestionKinds.ShortText), "Lyon <b>bold</b>"));
        var html = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        Assert.Contains("This question needs an answer.", html);
        Assert.Contains("value=\"Lyon &lt;b&gt;bold&lt;/b&gt;\"", html);
        Assert.DoesNotContain("<b>bold</b>", html);
        Assert.Matches(Token(), html); // the page can be sent again as it is
        Assert.Equal(0, await ResponseCountAsync(survey.Id));
    }

    [Theory]
    [InlineData(QuestionKinds.SingleChoice, "999", "Choose one of the options shown.")]
    [InlineData(QuestionKinds.SingleChoice, "abc", "Choose one of the options shown.")]
    [InlineData(QuestionKinds.MultipleChoice, "-1", "Choose among the options shown.")]
    [InlineData(QuestionKinds.Rating, "6", "Choose a value from 1 to 5.")]
    [InlineData(QuestionKinds.Nps, "11", "Choose a value from 0 to 10.")]
    public async Task Post_AnswerOutsideTheQuestion_IsRefusedWithAMessage_StoresNothing(string kind, string value, string message)
    {
        var (survey, q) = await ActiveSurveyAsync();

        var answer = await AnswerAsync(Respondent(), survey, (Field(q, QuestionKinds.Rating), "3"), (Field(q, kind), value));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        Assert.Contains(message, await answer.Content.ReadAsStringAsync());
        Assert.Equal(0, await ResponseCountAsync(survey.Id));
    }

    [Fact]
    public async Task Post_TwoAnswersToASingleChoice_IsRefused()
    {
        var (survey, q) = await ActiveSurveyAsync();

        var answer = await AnswerAsync(Respondent(), survey, (Field(q, QuestionKinds.Rating), "3"),
            (Field(q, QuestionKinds.SingleChoice), Option(survey, QuestionKinds.SingleChoice, "Red")),
            (Field(q, QuestionKinds.SingleChoice), Option(survey, QuestionKinds.SingleChoice, "Blue")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        Assert.Equal(0, await ResponseCountAsync(survey.Id));
    }

    [Fact]
    public async Task Post_TextOverItsLimit_IsRefusedWithTheLimit()
    {
        var (survey, q) = await ActiveSurveyAsync();

        var answer = await AnswerAsync(Respondent(), survey, (Field(q, QuestionKinds.Rating), "3"), (Field(q, QuestionKinds.ShortText), new string('x', 201)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        Assert.Contains("under 200 characters", await answer.Content.ReadAsStringAsync());
        Assert.Equal(0, await ResponseCountAsync(survey.Id));
    }

    [Fact]
    public async Task Post_AQuestionOfAnotherSurvey_IsAForgery_400_StoresNothing()
    {
        var (survey, q) = await ActiveSurveyAsync();
        var (other, otherQ) = await ActiveSurveyAsync();

        var answer = await AnswerAsync(Respondent(), survey, (Field(q, QuestionKinds.Rating), "3"), (Field(otherQ, QuestionKinds.Rating), "5"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("not part of this survey", await answer.Content.ReadAsStringAsync());
        Assert.Equal(0, await ResponseCountAsync(survey.Id));
        Assert.Equal(0, await ResponseCountAsync(other.Id));
    }

    [Fact]
    public async Task Post_AnswerToAHiddenQuestion_IsAForgery()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var draft = TestData.EveryKind();
        draft.Questions[4].Hidden = true; // the short text
        var survey = await Data.AuthoredSurveyAsync(org, owner, draft);
        var hidden = survey.Questions.Single(x => x.Hidden);

        var page = await (await Respondent().GetAsync($"/s/{survey.PublicId}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain($"name=\"q{hidden.Id}\"", page);
        var answer = await AnswerAsync(Respondent(), survey, ($"q{survey.Questions.Single(x => x.Kind == QuestionKinds.Rating).Id}", "3"), ($"q{hidden.Id}", "sneaky"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(0, await ResponseCountAsync(survey.Id));
    }

    [Fact]
    public async Task Post_OneMegabyteAnswer_IsTooLarge_413_StoresNothing()
    {
        var (survey, q) = await ActiveSurveyAsync();

        var answer = await AnswerAsync(Respondent(), survey, (Field(q, QuestionKinds.Rating), "3"), (Field(q, QuestionKinds.LongText), new string('x', 1_000_000)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        Assert.Contains("too long", await answer.Content.ReadAsStringAsync());
        Assert.Equal(0, await ResponseCountAsync(survey.Id));
    }

    [Fact]
    public async Task Post_WithoutTheAntiforgeryToken_IsRefused_StoresNothing()
    {
        var (survey, q) = await ActiveSurveyAsync();

        var answer = await Respondent().PostAsync($"/s/{survey.PublicId}",
            new FormUrlEncodedContent([KeyValuePair.Create(Field(q, QuestionKinds.Rating), "3")]));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("expired", await answer.Content.ReadAsStringAsync());
        Assert.Equal(0, await ResponseCountAsync(survey.Id));
    }

    [Fact]
    public async Task Post_WithATokenFromAnotherBrowser_OrAnotherSurveysForm_IsRefused_StoresNothing()
    {
        var (survey, q) = await ActiveSurveyAsync();
        var (other, _) = await ActiveSurveyAsync();
        var mine = Respondent();
        var theirs = Respondent();
        var myToken = await TokenOfAsync(mine, survey);
        var theirToken = await TokenOfAsync(theirs, survey);
        var rating = KeyValuePair.Create(Field(q, QuestionKinds.Rating), "3");

        // Each browser's token is signed over its own cookie: it does not work with another browser's cookie,
        var swapped = await mine.PostAsync($"/s/{survey.PublicId}", new FormUrlEncodedContent([rating, KeyValuePair.Create("form_token", theirToken)]));
        // nor for another survey's form, nor once edited.
        _ = await TokenOfAsync(mine, other);
        var moved = await mine.PostAsync($"/s/{other.PublicId}", new FormUrlEncodedContent([rating, KeyValuePair.Create("form_token", myToken)]));
        var edited = await mine.PostAsync($"/s/{survey.PublicId}", new FormUrlEncodedContent([rating, KeyValuePair.Create("form_token", (myToken[0] == 'A' ? "B" : "A") + myToken[1..])]));

        Assert.Equal(HttpStatusCode.BadRequest, swapped.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, moved.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, edited.StatusCode);
        Assert.Equal(0, await ResponseCountAsync(survey.Id));
        Assert.Equal(0, await ResponseCountAsync(other.Id));
        // The right pair still works: what was refused was the pairing, not the browser.
        var answer = await mine.PostAsync($"/s/{survey.PublicId}", new FormUrlEncodedContent([rating, KeyValuePair.Create("form_token", myToken)]));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal(1, await ResponseCountAsync(survey.Id));
    }

    [Fact]
    public async Task TheFormsCookie_IsHttpOnlyAndLax_GivenOnce_AndHoldsNoToken()
    {
        var (survey, _) = await ActiveSurveyAsync();
        var client = Respondent();

        var first = await client.GetAsync($"/s/{survey.PublicId}");
        var second = await client.GetAsync($"/s/{survey.PublicId}");

        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith("questra-form=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase); // never sent with another site's post
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires", cookie, StringComparison.OrdinalIgnoreCase); // gone with the browser session
        Assert.False(second.Headers.TryGetValues("Set-Cookie", out var again) && again.Any(c => c.StartsWith("questra-form=", StringComparison.Ordinal)),
            "a browser that has the cookie keeps it");
        var nonce = cookie["questra-form=".Length..cookie.IndexOf(';', StringComparison.Ordinal)];
        var token = WebUtility.HtmlDecode(Token().Match(await second.Content.ReadAsStringAsync()).Groups[1].Value);
        Assert.NotEqual(nonce, token);
        Assert.DoesNotContain(nonce, token, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFormIsKeptInMemory_ResponsesDoNotEndIt_EveryChangeThroughTheAppDoes()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        var caller = new Caller(owner, "127.0.0.1");
        var client = Respondent();
        Task<string> PageAsync() => client.GetStringAsync($"/s/{survey.PublicId}");
        var rating = ("q" + survey.Questions.Single(x => x.Kind == QuestionKinds.Rating).Id, "3");
        var required = survey.Questions.Where(x => x.Required && x.Kind != QuestionKinds.Rating).ToList();
        Assert.Empty(required); // one rating answers the whole form

        await NoticesHeardAsync(); // the publish's own notice must not end the form kept next
        Assert.Contains("<h1>Every kind</h1>", await PageAsync());
        // Kept: a title changed around the app (straight in the database) is not seen, before or after a response.
        await Data.WithDb(db => db.Surveys.Where(s => s.Id == survey.Id).ExecuteUpdateAsync(s => s.SetProperty(v => v.Title, "Changed around the app")));
        Assert.Contains("<h1>Every kind</h1>", await PageAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await AnswerAsync(client, survey, rating)).StatusCode);
        Assert.Contains("<h1>Every kind</h1>", await PageAsync());

        // An edit through the app is seen on the next request.
        var edited = SurveyDraft.Of(survey);
        edited.Title = "Edited in the dashboard";
        Assert.True((await Data.WithService<SurveyAuthoring, ServiceResult<Survey>>(a => a.SaveAsync(org, caller, survey.Id, edited))).Succeeded);
        Assert.Contains("<h1>Edited in the dashboard</h1>", await PageAsync());

        // A form kept while its survey was closed around the app still cannot store an answer: the insert itself
        // requires the survey to be Active.
        var token = await TokenOfAsync(client, survey);
        await Data.WithDb(db => db.Surveys.Where(s => s.Id == survey.Id).ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, SurveyStatus.Closed)));
        var late = await client.PostAsync($"/s/{survey.PublicId}", new FormUrlEncodedContent([KeyValuePair.Create(rating.Item1, rating.Item2), KeyValuePair.Create("form_token", token)]));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal(1, await ResponseCountAsync(survey.Id));
        Assert.Contains("This survey is closed", await PageAsync()); // the refused answer made the form be read again

        // Reopened and closed through the app: seen at once.
        await Data.WithDb(db => db.Surveys.Where(s => s.Id == survey.Id).ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, SurveyStatus.Active)));
        Assert.True((await Data.WithService<SurveyAuthoring, ServiceResult<Survey>>(a => a.SetStatusAsync(org, caller, survey.Id, SurveyStatus.Closed))).Succeeded);
        Assert.Contains("This survey is closed", await PageAsync());
    }

    [Fact]
    public async Task AnOrganizationDeletedWithItsLastMember_TakesItsFormsAtOnce()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        var client = Respondent();
        Assert.Contains("<h1>Every kind</h1>", await client.GetStringAsync($"/s/{survey.PublicId}"));

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var user = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Questra.Web.Data.ApplicationUser>>().FindByIdAsync(owner);
            var deleted = await scope.ServiceProvider.GetRequiredService<Questra.Web.Features.Accounts.AccountService>().DeleteAsync(user!, [org], "127.0.0.1");
            Assert.True(deleted.Succeeded, deleted.Error?.Message);
        }

        var page = await client.GetAsync($"/s/{survey.PublicId}");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("No survey here", await page.Content.ReadAsStringAsync());
    }

    // On PostgreSQL the app also hears its own announcements, a moment after each commit. A marker form, kept and
    // then announced now, is forgotten only once every notice sent before it has been heard (they arrive in order).
    private async Task NoticesHeardAsync()
    {
        if (factory is not PostgresFactory) return;
        var forms = factory.Services.GetRequiredService<PublicForms>();
        var marker = new PublicSurvey($"sv_marker_{Guid.NewGuid():N}", $"marker{Guid.NewGuid():N}", "Marker", null, SurveyStatus.Active, []);
        await Eventually.HoldsAsync(() =>
        {
            forms.Store(marker, forms.Generation);
            return Task.FromResult(forms.Find(marker.PublicId) is not null);
        }, "the marker form is kept (the change channel listens)", 10);
        await Data.WithDb(db => db.Database.ExecuteSqlRawAsync(PublicForms.NotifySql("{0}"), marker.SurveyId));
        await Eventually.HoldsAsync(() => Task.FromResult(forms.Find(marker.PublicId) is null), "the marker's notice is heard", 10);
    }

    private static async Task<string> TokenOfAsync(HttpClient client, Survey survey)
    {
        var page = await client.GetAsync($"/s/{survey.PublicId}");
        var token = Token().Match(await page.Content.ReadAsStringAsync());
        Assert.True(token.Success, "the form carries its token");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    [Fact]
    public async Task Post_AsJson_IsRefused_415()
    {
        var (survey, q) = await ActiveSurveyAsync();

        var answer = await Respondent().PostAsync($"/s/{survey.PublicId}", new StringContent($$"""{"{{Field(q, QuestionKinds.Rating)}}":"3"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.StatusCode);
        Assert.Equal(0, await ResponseCountAsync(survey.Id));
    }

    [Fact]
    public async Task ClosedSurvey_SaysSo_AndTakesNoAnswer_EvenFromAPageOpenedBeforeClosing()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        var client = Respondent();
        var page = await client.GetAsync($"/s/{survey.PublicId}");
        var token = WebUtility.HtmlDecode(Token().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);
        var closed = await Data.WithService<SurveyAuthoring, ServiceResult<Survey>>(a => a.SetStatusAsync(org, new Caller(owner, null), survey.Id, SurveyStatus.Closed));
        Assert.True(closed.Succeeded);

        var again = await client.GetAsync($"/s/{survey.PublicId}");
        var late = await client.PostAsync($"/s/{survey.PublicId}", new FormUrlEncodedContent(
            [KeyValuePair.Create($"q{survey.Questions.Single(x => x.Kind == QuestionKinds.Rating).Id}", "3"), KeyValuePair.Create("form_token", token)]));

        Assert.Contains("This survey is closed", await again.Content.ReadAsStringAsync());
        Assert.DoesNotContain("<form", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal(0, await ResponseCountAsync(survey.Id));
    }

    [Fact]
    public async Task DraftSurvey_IsNotOpenYet_404()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner, publish: false);

        var page = await Respondent().GetAsync($"/s/{survey.PublicId}");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("not open yet", await page.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("0123456789abcdefABCDEF")]
    [InlineData("short")]
    [InlineData("has-dashes-and-more-than-sixteen")]
    public async Task UnknownLink_404(string publicId)
    {
        var page = await Respondent().GetAsync($"/s/{publicId}");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("There is no survey at this link", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheApiId_IsNotALink()
    {
        var (survey, _) = await ActiveSurveyAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await Respondent().GetAsync($"/s/{survey.Id}")).StatusCode);
    }

    [Fact]
    public async Task OneAddress_IsThrottled_AfterTheLimit_WithRetryAfter_OthersAreNot()
    {
        var (survey, q) = await ActiveSurveyAsync();
        var spammer = Respondent("10.99.0.1");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await AnswerAsync(spammer, survey, (Field(q, QuestionKinds.Rating), "5"))).StatusCode);
        }

        var eleventh = await AnswerAsync(spammer, survey, (Field(q, QuestionKinds.Rating), "5"));
        var neighbour = await AnswerAsync(Respondent("10.99.0.2"), survey, (Field(q, QuestionKinds.Rating), "4"));

        Assert.Equal((HttpStatusCode)429, eleventh.StatusCode);
        Assert.True(eleventh.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Redirect, neighbour.StatusCode);
        Assert.Equal(11, await ResponseCountAsync(survey.Id));
    }

    [Fact]
    public async Task AuthorText_IsRenderedAsText()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var draft = new SurveyDraft
        {
            Title = "<script>alert('t')</script>",
            Description = "<img src=x onerror=alert(1)>",
            Questions = [new() { Kind = QuestionKinds.SingleChoice, Text = "<i>q</i>", Options = [new() { Text = "<b>a</b>" }, new() { Text = "\"><svg onload=alert(2)>" }] }],
        };
        var survey = await Data.AuthoredSurveyAsync(org, owner, draft);

        var html = await (await Respondent().GetAsync($"/s/{survey.PublicId}")).Content.ReadAsStringAsync();

        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.DoesNotContain("<svg", html);
        Assert.DoesNotContain("<b>a</b>", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [GeneratedRegex("name=\"form_token\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}

public sealed class PublicFormTestsOnSqlite(QuestraFactory factory) : PublicFormTests(factory), IClassFixture<QuestraFactory>;

public sealed class PublicFormTestsOnPostgres(PostgresFactory factory) : PublicFormTests(factory), IClassFixture<PostgresFactory>;
