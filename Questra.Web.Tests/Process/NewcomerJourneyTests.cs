using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Questra.Web.Features.Mfa;
using Questra.Web.Tests.EndToEnd;
using Questra.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Questra.Web.Tests.Process;

/// <summary>
/// A newcomer's first run, black-box: the published app as its own process on the real clock, with nothing set but
/// its environment, paths, address and mail server, driven in Chromium the way the README tells a person to use it.
/// Production serves HTTPS itself (a certificate the test makes; the browser is told to accept it) and mails
/// through SMTP; Development is plain http and keeps mail for /dev/mail. Register, confirm from the mail, sign in, enrol
/// two-factor in one go, create a key, call the API with it; write a survey with every kind of question, publish it,
/// answer it from a phone that is signed out, see the results and read them through the API with the key made before the
/// survey; revoke the key, sign out, sign in with a code.
/// </summary>
[Collection(AppProcessCollection.Name)]
public partial class NewcomerJourneyTests
{
    private const string Password = "Newcomer-Passw0rd-1";

    [BrowserTheory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task FirstRun_RegisterConfirmEnrol_CreateKey_RunASurvey_RevokeKey_SignOutAndBackIn(string environment)
    {
        var production = environment == "Production";
        var port = LoopbackPorts.Free();
        var baseUrl = $"{(production ? "https" : "http")}://localhost:{port}";
        using var smtp = new SmtpSink();
        var databasePath = DatabaseFiles.NewPath("journey");
        List<(string, string)> settings =
        [
            ("ASPNETCORE_ENVIRONMENT", environment),
            ("ConnectionStrings:Questra", $"Data Source={databasePath}"),
        ];
        using var certificate = new TestCertificate();
        if (production)
        {
            await smtp.StartAsync();
            settings.Add(("Kestrel:Certificates:Default:Path", certificate.Path));
            settings.Add(("Kestrel:Certificates:Default:Password", certificate.Password));
            settings.AddRange(
            [
                ("Email:From", "Questra <no-reply@questra.test>"),
                ("Email:Smtp:Host", "127.0.0.1"),
                ("Email:Smtp:Port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Email:Smtp:Security", "None"),
                ("Email:PublicBaseUrl", baseUrl),
            ]);
        }

        using var app = await AppProcess.StartPublishedAsync(baseUrl.Replace("localhost", "127.0.0.1"), [.. settings]);
        using var playwright = await Playwright.CreateAsync();
        await using var chromium = await BrowserHost.LaunchChromiumAsync(playwright);
        var options = new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new() { Width = 1280, Height = 800 }, IgnoreHTTPSErrors = production };
        var page = await (await chromium.NewContextAsync(options)).NewPageAsync();
        page.SetDefaultTimeout(20_000);
        var shot = 0;
        Task ScreenshotOf(IPage of, string what) => BrowserHost.ScreenshotAsync(of, $"journey-{environment.ToLowerInvariant()}-{++shot:00}-{what}");
        Task Screenshot(string what) => ScreenshotOf(page, what);
        var email = $"newcomer-{Guid.NewGuid():N}@example.test";

        try
        {
            // Register, then confirm from the mail that was sent.
            await page.GotoAsync("/Account/Register");
            await BrowserSteps.SubmitRegistrationAsync(page, email, Password);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Register confirmation" })).ToBeVisibleAsync();
            await Screenshot("registered");
            await page.GotoAsync(await ConfirmationLinkAsync(page, smtp, email, production));
            await Expect(page.GetByText("Thank you for confirming your email")).ToBeVisibleAsync();

            // Sign in; a second browser signs in too.
            await BrowserSteps.LogInAsync(page, email, Password);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Surveys", Exact = true })).ToBeVisibleAsync();
            await Screenshot("signed-in");
            var other = await (await chromium.NewContextAsync(options)).NewPageAsync();
            await BrowserSteps.LogInAsync(other, email, Password);
            await Expect(other.GetByRole(AriaRole.Heading, new() { Name = "Surveys", Exact = true })).ToBeVisibleAsync();

            // From the key page's gate to enrolment: one code, the recovery codes, and still signed in.
            await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
            await Expect(page.GetByTestId("creation-gate")).ToContainTextAsync("Two-factor authentication is required");
            await page.GetByTestId("creation-gate-fix").ClickAsync();
            await Expect(page.GetByTestId("authenticator-qr")).ToBeVisibleAsync();
            await Screenshot("enrol");
            var key = AuthenticatorCodes.DecodeKey(await page.GetByTestId("authenticator-key").InnerTextAsync())!;
            var enrolledAt = DateTimeOffset.UtcNow;
            await page.GetByLabel("Verification Code").FillAsync(AuthenticatorCodes.Compute(key, enrolledAt));
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await Expect(page.GetByTestId("recovery-codes").Locator("code")).ToHaveCountAsync(10);
            await Screenshot("recovery-codes");
            await BrowserSteps.GotoInteractiveAsync(page, "/settings");
            await Expect(page).ToHaveURLAsync(new Regex("/settings$"));
            var orgId = await page.GetByTestId("org-id").InnerTextAsync();
            await Screenshot("still-signed-in");

            // The other browser was signed out by the change.
            await other.GotoAsync("/settings");
            await Expect(other).ToHaveURLAsync(new Regex("/Account/Login"));

            if (production)
            {
                // A new organization is on the Free plan: the operator moves it to a paid one, as the README says.
                var (code, output, errors) = await AppProcess.RunPublishedAsync([.. settings], "admin", "set-plan", orgId, "Pro");
                Assert.True(code == 0, $"admin set-plan: {output}\n{errors}");
            }

            // Create a key; the secret is shown once.
            await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
            await page.GetByTestId("create-api-key").ClickAsync();
            await page.GetByTestId("api-key-name").FillAsync("First script");
            await page.GetByTestId("api-key-create-submit").ClickAsync();
            var secret = await page.GetByTestId("api-key-secret").InnerTextAsync();
            await Screenshot("key-created");
            await page.GetByTestId("api-key-done").ClickAsync();

            // Use it as the README's curl line does; revoke it in the dashboard; the same call is refused.
            using var api = new HttpClient(AppProcess.LoopbackHandler()) { BaseAddress = new Uri(baseUrl) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            api.DefaultRequestHeaders.Add("X-Org-Id", orgId);
            var listed = await api.GetAsync("/api/surveys");
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
            Assert.Contains("\"data\"", await listed.Content.ReadAsStringAsync());

            await RunASurveyAsync(page, chromium, options, api, ScreenshotOf);

            await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
            await page.GetByTestId("api-key-row").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
            await page.GetByTestId("confirm-ok").ClickAsync();
            await Expect(page.GetByTestId("api-key-status")).ToHaveTextAsync("Revoked");
            await Screenshot("revoked");
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/surveys")).StatusCode);

            // The audit log says it in words, and its CSV export is a file the browser downloads.
            await BrowserSteps.GotoInteractiveAsync(page, "/settings/audit");
            await Expect(page.GetByTestId("audit-sentence").First).ToContainTextAsync($"{email} revoked API key");
            await Screenshot("audit-log");
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("audit-export").ClickAsync());
            var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
            Assert.StartsWith("\"occurred_at_utc\",\"what_happened\"", csv.TrimStart('\uFEFF'));
            Assert.Contains($"{email} revoked API key", csv);
            Assert.DoesNotContain(secret, csv);

            // Sign out, and back in with the password and the authenticator's next code.
            await page.GetByTestId("account-menu").Locator("summary").ClickAsync();
            await page.GetByTestId("account-menu").GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/Account/Login|/$"));
            await BrowserSteps.LogInAsync(page, email, Password);
            await Expect(page.GetByLabel("Authenticator code")).ToBeVisibleAsync();
            // Each code works once: a person waits for the app to show the next one.
            await Eventually.HoldsAsync(() => Task.FromResult(Step(DateTimeOffset.UtcNow) > Step(enrolledAt)), "the authenticator shows a new code", seconds: 40);
            await page.GetByLabel("Authenticator code").FillAsync(AuthenticatorCodes.Compute(key, DateTimeOffset.UtcNow));
            await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Surveys", Exact = true })).ToBeVisibleAsync();
            await Screenshot("back-in");
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{ex.Message}\nThe app printed:\n{app.OutputText}", ex);
        }
        finally
        {
            File.Delete(databasePath);
        }
    }

    private static readonly (string Kind, string Text, string[] Options)[] EveryKind =
    [
        ("single_choice", "How did you hear about us?", ["A friend", "A search"]),
        ("multiple_choice", "Which features do you use?", ["Surveys", "API keys"]),
        ("rating", "How easy was it to start?", []),
        ("nps", "How likely are you to recommend us?", []),
        ("short_text", "Your team's name", []),
        ("long_text", "What should we improve?", []),
    ];

    /// <summary>
    /// Writes a survey with one question of each kind and publishes it; a signed-out phone answers it through the public
    /// link; the dashboard shows the answer, and <paramref name="api"/> (a key made before the survey) reads it.
    /// </summary>
    private static async Task RunASurveyAsync(IPage page, IBrowser chromium, BrowserNewContextOptions options, HttpClient api, Func<IPage, string, Task> screenshot)
    {
        await BrowserSteps.GotoInteractiveAsync(page, "/");
        await page.GetByTestId("new-survey").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/surveys/new$"));
        await page.GetByTestId("survey-title").FillAsync("Launch feedback");
        for (var i = 0; i < EveryKind.Length; i++)
        {
            var (kind, text, choices) = EveryKind[i];
            if (i > 0) await page.GetByTestId("add-question").ClickAsync();
            var question = page.GetByTestId("question-editor").Nth(i);
            await question.GetByTestId("question-kind").SelectOptionAsync(kind);
            await question.GetByTestId("question-text").FillAsync(text);
            for (var o = 0; o < choices.Length; o++) await question.GetByTestId("option-text").Nth(o).FillAsync(choices[o]);
        }
        await page.GetByTestId("question-editor").Nth(2).GetByText("Required").ClickAsync();
        await screenshot(page, "survey-editor");
        await page.GetByTestId("save-survey").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/surveys/sv_[^/]+$"));
        var surveyId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await page.GetByTestId("publish-survey").ClickAsync();
        await Expect(page.GetByTestId("public-link")).ToBeVisibleAsync();
        var link = await page.GetByTestId("public-link").InputValueAsync();
        Assert.DoesNotContain(surveyId, link);

        // A respondent on a phone, never signed in, answers every question.
        var phone = await (await chromium.NewContextAsync(new BrowserNewContextOptions(options) { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true })).NewPageAsync();
        await phone.GotoAsync(link);
        var questions = phone.GetByTestId("respond-question");
        await Expect(questions).ToHaveCountAsync(EveryKind.Length);
        await questions.Nth(0).GetByLabel("A search").CheckAsync();
        await questions.Nth(1).GetByLabel("Surveys").CheckAsync();
        await questions.Nth(1).GetByLabel("API keys").CheckAsync();
        await questions.Nth(2).GetByLabel("4", new() { Exact = true }).CheckAsync();
        await questions.Nth(3).GetByLabel("9", new() { Exact = true }).CheckAsync();
        await questions.Nth(4).GetByRole(AriaRole.Textbox).FillAsync("Data <b>team</b>");
        await questions.Nth(5).GetByRole(AriaRole.Textbox).FillAsync("Nothing yet.");
        await screenshot(phone, "survey-form-phone");
        await phone.GetByTestId("respond-submit").ClickAsync();
        await Expect(phone).ToHaveURLAsync(new Regex("/thanks$"));
        await Expect(phone.GetByTestId("respond-message")).ToContainTextAsync("were recorded");
        await screenshot(phone, "survey-thanks");

        // The author sees the answer in the results.
        await BrowserSteps.GotoInteractiveAsync(page, $"/surveys/{surveyId}");
        await Expect(page.GetByTestId("metric-total")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("question-result")).ToHaveCountAsync(EveryKind.Length);
        await Expect(page.GetByTestId("question-result").Nth(0)).ToContainTextAsync("100%");
        await screenshot(page, "survey-results");

        // The key made before the survey existed reads it, its questions and its metrics; the text answer stays home.
        var survey = await api.GetAsync($"/api/surveys/{surveyId}");
        var body = await survey.Content.ReadAsStringAsync();
        Assert.True(survey.StatusCode == HttpStatusCode.OK, body);
        using (var json = System.Text.Json.JsonDocument.Parse(body))
        {
            var kinds = json.RootElement.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("kind").GetString()).ToArray();
            Assert.Equal(EveryKind.Select(k => k.Kind), kinds);
        }
        Assert.DoesNotContain("Data <b>team</b>", body);
        var metrics = await api.GetAsync($"/api/surveys/{surveyId}/metrics/responses");
        var metricsBody = await metrics.Content.ReadAsStringAsync();
        Assert.True(metrics.StatusCode == HttpStatusCode.OK, metricsBody);
        using (var json = System.Text.Json.JsonDocument.Parse(metricsBody))
        {
            Assert.Equal(1, json.RootElement.GetProperty("total").GetInt32());
            Assert.Equal(1.0, json.RootElement.GetProperty("completion_rate").GetDouble());
        }
        Assert.DoesNotContain("Nothing yet.", metricsBody);
    }

    private static long Step(DateTimeOffset at) => at.ToUnixTimeSeconds() / AuthenticatorCodes.StepSeconds;

    /// <summary>The link in the confirmation mail: delivered over SMTP in Production, shown at /dev/mail in Development.</summary>
    private static async Task<string> ConfirmationLinkAsync(IPage page, SmtpSink smtp, string email, bool production)
    {
        if (production)
        {
            var mail = await smtp.WaitForAsync(email, m => m.Subject == "Confirm your Questra account", seconds: 30);
            return WebUtility.HtmlDecode(ConfirmLink().Match(mail.HtmlBody ?? "").Groups[1].Value);
        }
        await page.GotoAsync("/dev/mail");
        var message = page.GetByTestId("dev-mail-message").Filter(new() { HasText = email }).First;
        return (await message.GetByRole(AriaRole.Link, new() { Name = "Confirm your account" }).GetAttributeAsync("href"))!;
    }

    [GeneratedRegex("href=\"([^\"]*ConfirmEmail[^\"]*)\"")]
    private static partial Regex ConfirmLink();
}
