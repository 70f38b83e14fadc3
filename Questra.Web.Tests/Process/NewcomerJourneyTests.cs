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
/// two-factor in one go, create a key, call the API with it, revoke it, sign out, sign in with a code.
/// </summary>
[Collection(AppProcessCollection.Name)]
public partial class NewcomerJourneyTests
{
    private const string Password = "Newcomer-Passw0rd-1";

    [BrowserTheory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task FirstRun_RegisterConfirmEnrolCreateUseRevoke_SignOutAndBackIn(string environment)
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
        Task Screenshot(string what) => BrowserHost.ScreenshotAsync(page, $"journey-{environment.ToLowerInvariant()}-{++shot:00}-{what}");
        var email = $"newcomer-{Guid.NewGuid():N}@example.test";

        try
        {
            // Register, then confirm from the mail that was sent.
            await page.GotoAsync("/Account/Register");
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
            await page.GetByLabel("Confirm Password").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
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
            await page.GetByTestId("api-key-row").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
            await page.GetByTestId("confirm-ok").ClickAsync();
            await Expect(page.GetByTestId("api-key-status")).ToHaveTextAsync("Revoked");
            await Screenshot("revoked");
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/surveys")).StatusCode);

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
