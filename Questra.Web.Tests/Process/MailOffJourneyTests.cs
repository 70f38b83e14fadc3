using Microsoft.Playwright;
using Questra.Web.Tests.EndToEnd;
using Questra.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Questra.Web.Tests.Process;

/// <summary>
/// The README's quick production trial: the published app in Production with mail switched off
/// (<c>Email:Enabled=false</c>). From registration to a sign-in the operator made possible, every screen on the way
/// says what really happens (no mail is promised), and the owner sees the operator's commands they need.
/// </summary>
[Collection(AppProcessCollection.Name)]
public class MailOffJourneyTests
{
    private const string Password = "Mail-off-Passw0rd-1";

    [BrowserFact]
    public async Task Production_WithMailOff_RegisterToAnOperatorConfirmedSignIn_SaysWhatReallyHappens()
    {
        var port = LoopbackPorts.Free();
        var baseUrl = $"https://localhost:{port}";
        var databasePath = DatabaseFiles.NewPath("mail-off");
        using var certificate = new TestCertificate();
        (string, string)[] settings =
        [
            ("ASPNETCORE_ENVIRONMENT", "Production"),
            ("ConnectionStrings:Questra", $"Data Source={databasePath}"),
            ("Kestrel:Certificates:Default:Path", certificate.Path),
            ("Kestrel:Certificates:Default:Password", certificate.Password),
            ("Email:Enabled", "false"),
        ];
        using var app = await AppProcess.StartPublishedAsync(baseUrl.Replace("localhost", "127.0.0.1"), settings);
        using var playwright = await Playwright.CreateAsync();
        await using var chromium = await BrowserHost.LaunchChromiumAsync(playwright);
        var page = await (await chromium.NewContextAsync(new() { BaseURL = baseUrl, IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 1280, Height = 800 } })).NewPageAsync();
        page.SetDefaultTimeout(20_000);
        var shot = 0;
        Task Screenshot(string what) => BrowserHost.ScreenshotAsync(page, $"mail-off-{++shot:00}-{what}");
        var email = $"trial-{Guid.NewGuid():N}@example.test";

        try
        {
            // Registering: no confirmation mail is promised; the operator's command is named.
            await page.GotoAsync("/Account/Register");
            await BrowserSteps.SubmitRegistrationAsync(page, email, Password);
            await Expect(page.GetByTestId("mail-off")).ToContainTextAsync("does not send email");
            await Expect(page.GetByTestId("mail-off")).ToContainTextAsync($"admin confirm-user {email}");
            await Expect(page.GetByText("We sent")).ToHaveCountAsync(0);
            await Screenshot("registered");

            // Signing in before confirmation says why, and the page offers no mail to resend.
            await BrowserSteps.LogInAsync(page, email, Password);
            await Expect(page.GetByText("your account is not confirmed yet")).ToBeVisibleAsync();
            await Expect(page.GetByText("admin confirm-user")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Resend email confirmation" })).ToHaveCountAsync(0);
            await Screenshot("not-confirmed");
            await page.GotoAsync("/Account/ForgotPassword");
            await Expect(page.GetByTestId("mail-off")).ToContainTextAsync("No reset link can be mailed");

            // The operator confirms the account; now sign-in works.
            var (code, output, errors) = await AppProcess.RunPublishedAsync(settings, "admin", "confirm-user", email);
            Assert.True(code == 0, $"admin confirm-user: {output}\n{errors}");
            await BrowserSteps.LogInAsync(page, email, Password);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Surveys", Exact = true })).ToBeVisibleAsync();

            // Inviting says to share the link (no mail), and offers to extend rather than to resend.
            await BrowserSteps.GotoInteractiveAsync(page, "/settings");
            var orgId = await page.GetByTestId("org-id").InnerTextAsync();
            await Expect(page.GetByTestId("invite-how")).ToContainTextAsync("does not send email");
            await Expect(page.GetByTestId("invite-how")).ToContainTextAsync($"{baseUrl}/invitations");
            await page.GetByTestId("invite-email").FillAsync($"colleague-{Guid.NewGuid():N}@example.test");
            await page.GetByTestId("invite-submit").ClickAsync();
            await Expect(page.GetByTestId("resend-invitation")).ToHaveTextAsync("Extend");
            await Screenshot("invite");

            // A new organization is on the Free plan: its owner sees the exact command that changes it.
            await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
            await Expect(page.GetByTestId("operator-command")).ToContainTextAsync($"admin set-plan {orgId} Pro");
            await Screenshot("plan-command");
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
}
