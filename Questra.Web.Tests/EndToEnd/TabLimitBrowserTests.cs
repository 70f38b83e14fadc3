using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Questra.Web.Tests.EndToEnd;

/// <summary>The app with a limit of two dashboard tabs per person.</summary>
public sealed class TwoTabsBrowserHost() : BrowserHost(new E2eFactory
{
    Settings = new Dictionary<string, string> { ["Dashboard:MaxTabsPerUser"] = "2" },
});

/// <summary>
/// One person's open tabs are capped: the tab over the limit shows a notice and no page, and works again once
/// another tab is closed and it is reloaded.
/// </summary>
public sealed class TabLimitBrowserTests(TwoTabsBrowserHost host) : IClassFixture<TwoTabsBrowserHost>
{
    private readonly BrowserSteps steps = new(host);

    [BrowserFact]
    public async Task ATabOverTheLimit_ShowsANotice_AndWorksAfterAnotherIsClosed()
    {
        var (_, email, sharedKey, _) = await steps.EnrolledOwnerAsync("tabs");
        var first = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(first, email, sharedKey);
        await BrowserSteps.WaitInteractiveAsync(first);
        var second = await first.Context.NewPageAsync();
        await BrowserSteps.GotoInteractiveAsync(second, "/settings/api-keys");

        var third = await first.Context.NewPageAsync();
        await third.GotoAsync("/settings/api-keys");

        await Expect(third.GetByTestId("too-many-tabs")).ToBeVisibleAsync();
        await Expect(third.GetByTestId("too-many-tabs")).ToContainTextAsync("more than 2 dashboard tabs");
        await Expect(third.GetByRole(AriaRole.Heading, new() { Name = "API Keys", Exact = true })).ToHaveCountAsync(0);
        await BrowserHost.ScreenshotAsync(third, "85-too-many-tabs");
        // The tabs that had a place go on working.
        await Expect(second.GetByTestId("circuit-ready")).ToBeAttachedAsync();

        await second.CloseAsync(new() { RunBeforeUnload = true }); // the browser tells the server the tab is gone
        await Eventually(async () =>
        {
            await third.ReloadAsync();
            await BrowserSteps.WaitInteractiveAsync(third);
            return await third.GetByTestId("too-many-tabs").CountAsync() == 0;
        });
        await Expect(third.GetByRole(AriaRole.Heading, new() { Name = "API Keys", Exact = true })).ToBeVisibleAsync();
    }

    private static Task Eventually(Func<Task<bool>> condition) =>
        Infrastructure.Eventually.HoldsAsync(condition, "a closed tab's place given to the reloaded one", seconds: 15);
}
