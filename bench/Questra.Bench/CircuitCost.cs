using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Questra.Web.Features.Mfa;

/// <summary>
/// What an open dashboard tab costs the server, and whether closing tabs gives it back: signs in with Chromium,
/// opens <c>tabs</c> live tabs of the surveys page, reads the app's resident memory (/proc/pid/status) before and
/// after, closes them the way a browser does (the tab says goodbye) and reads it again over 70 s; then opens tabs
/// past the per-person limit to see the notice take over, and drops a set of tabs without goodbye (the browser
/// process goes away) to see their places come back after the disconnected-tab period.
/// </summary>
internal static class CircuitCost
{
    public static async Task<int> RunAsync(string baseUrl, string outDir, int pid, int tabs)
    {
        var meta = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(outDir, "meta.json")))!;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Launch(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl });
        context.SetDefaultTimeout(30_000);
        var login = await context.NewPageAsync();
        await login.GotoAsync("/Account/Login");
        await login.GetByLabel("Email").FillAsync(meta["email"]);
        await login.GetByLabel("Password").FillAsync(meta["password"]);
        await login.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await login.GetByLabel("Authenticator code").FillAsync(
            AuthenticatorCodes.Compute(AuthenticatorCodes.DecodeKey(meta["authenticator_key"])!, DateTimeOffset.UtcNow));
        await login.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Ready(login);
        // Warm: one tab's worth of first-use work (JIT, caches) is not a tab's cost.
        await login.ReloadAsync();
        await Ready(login);
        await Task.Delay(2000);

        var before = Rss(pid);
        var pages = new List<IPage>();
        for (var i = 0; i < tabs; i++)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/");
            await Ready(page);
            pages.Add(page);
        }
        await Task.Delay(2000);
        var open = Rss(pid);
        Console.WriteLine(Line("tabs_open", ("tabs", tabs), ("rss_before_mb", Mb(before)), ("rss_open_mb", Mb(open)),
            ("per_tab_mb", (open - before) / 1024.0 / 1024.0 / tabs)));

        foreach (var page in pages) await page.CloseAsync(new() { RunBeforeUnload = true });
        foreach (var seconds in new[] { 5, 30, 70 })
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds == 5 ? 5 : seconds == 30 ? 25 : 40));
            Console.WriteLine(Line("tabs_closed", ("after_s", seconds), ("rss_mb", Mb(Rss(pid))), ("returned_mb", Mb(open - Rss(pid)))));
        }

        // Over the limit: count the tabs that work and the ones that show the notice.
        var (working, notice) = await OpenCounting(context, tabs + 3);
        Console.WriteLine(Line("over_the_limit", ("opened", tabs + 3), ("working", working), ("notice", notice)));
        foreach (var page in context.Pages.Skip(1).ToList()) await page.CloseAsync(new() { RunBeforeUnload = true });

        // Tabs dropped without goodbye (a crashed browser, a lost network): their places come back after the
        // disconnected-tab period.
        var state = await context.StorageStateAsync();
        await using (var other = await Launch(playwright))
        {
            var dropped = await other.NewContextAsync(new() { BaseURL = baseUrl, StorageState = state });
            await OpenCounting(dropped, tabs);
        } // the browser process ends: no goodbye from its tabs
        var again = await OpenCounting(context, 1);
        Console.WriteLine(Line("dropped_tabs", ("right_after", again.Working == 1 ? "place_free" : "no_place")));
        foreach (var page in context.Pages.Skip(1).ToList()) await page.CloseAsync(new() { RunBeforeUnload = true });
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(5000);
            var probe = await OpenCounting(context, 1);
            foreach (var page in context.Pages.Skip(1).ToList()) await page.CloseAsync(new() { RunBeforeUnload = true });
            if (probe.Working == 1)
            {
                Console.WriteLine(Line("dropped_tabs", ("places_back_after_s", (int)waited.Elapsed.TotalSeconds), ("rss_mb", Mb(Rss(pid)))));
                return 0;
            }
        }
        Console.WriteLine(Line("dropped_tabs", ("places_back_after_s", "over 120")));
        return 1;
    }

    private static async Task<(int Working, int Notice)> OpenCounting(IBrowserContext context, int n)
    {
        var (working, notice) = (0, 0);
        for (var i = 0; i < n; i++)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/");
            var live = page.GetByTestId("circuit-ready");
            var refused = page.GetByTestId("too-many-tabs");
            await live.Or(refused).First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
            if (await refused.CountAsync() > 0)
            {
                // The first notice as a person sees it (the published app, Chromium, the real clock).
                if (notice++ == 0) await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "questra-too-many-tabs.png") });
            }
            else working++;
        }
        return (working, notice);
    }

    private static Task<IBrowser> Launch(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

    private static Task Ready(IPage page) => page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    private static long Rss(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);

    private static string Line(string what, params (string Key, object Value)[] values) =>
        what + " " + string.Join(' ', values.Select(v => $"{v.Key}={(v.Value is double d ? d.ToString("F2", CultureInfo.InvariantCulture) : v.Value)}"));
}
