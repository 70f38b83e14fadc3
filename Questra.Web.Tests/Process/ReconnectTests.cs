using Microsoft.Playwright;
using Questra.Web.Tests.EndToEnd;
using Questra.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Questra.Web.Tests.Process;

/// <summary>The live connection drops when the server goes away: the page says so in plain words, and after a restart says what to do.</summary>
[Collection(AppProcessCollection.Name)]
public class ReconnectTests
{
    [BrowserFact]
    public async Task ServerRestart_ShowsTheStyledReconnectDialog_ThenAsksToReload()
    {
        using var database = new SqliteTestDatabase(DatabaseFiles.NewPath("reconnect"), deleteOnDispose: true);
        var port = LoopbackPorts.Free();
        // Development: a process started from the build output serves the framework's scripts only there.
        (string, string) development = ("ASPNETCORE_ENVIRONMENT", "Development");
        var app = await AppProcess.StartOnPortAsync(database, port, development);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserHost.LaunchChromiumAsync(playwright);
        var page = await browser.NewPageAsync(new() { BaseURL = $"http://localhost:{port}", ViewportSize = new() { Width = 1280, Height = 720 } });
        try
        {
            // A live page anyone can open: the 404 page runs on the same connection as the dashboard.
            await BrowserSteps.GotoInteractiveAsync(page, "/not-found");
            await Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
            var modal = page.GetByTestId("reconnect-modal");
            await Expect(modal).ToBeHiddenAsync();

            app.Kill();
            await Expect(modal).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await Expect(modal).ToContainTextAsync("lost its connection to the server");
            await BrowserHost.ScreenshotAsync(page, "70-reconnecting");

            app.Dispose();
            app = await AppProcess.StartOnPortAsync(database, port, development);
            await Expect(modal.GetByRole(AriaRole.Button, new() { Name = "Reload the page" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(modal).ToContainTextAsync("The server restarted");
            await BrowserHost.ScreenshotAsync(page, "71-reconnect-rejected");

            await modal.GetByRole(AriaRole.Button, new() { Name = "Reload the page" }).ClickAsync();
            await BrowserSteps.WaitInteractiveAsync(page);
            await Expect(modal).ToBeHiddenAsync();
        }
        finally
        {
            app.Dispose();
        }
    }
}
