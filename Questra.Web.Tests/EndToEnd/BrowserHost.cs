using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.EndToEnd;

/// <summary>
/// The app on a real localhost socket (Kestrel) with a fresh database, and headless Debian Chromium driven by
/// Playwright. Screenshots go to TestResults/screenshots.
/// </summary>
public class BrowserHost : IAsyncLifetime
{
    public BrowserHost() : this(new E2eFactory()) { }

    protected BrowserHost(E2eFactory factory) => Factory = factory;

    public static readonly string? ChromiumPath =
        new[] { Environment.GetEnvironmentVariable("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static readonly string ScreenshotDir = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestResults", "screenshots");

    public E2eFactory Factory { get; }
    public string BaseUrl { get; private set; } = "";
    private IPlaywright? playwright;
    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        if (ChromiumPath is null)
        {
            throw new InvalidOperationException("Chromium is not installed at /usr/bin/chromium: run 'apt-get install -y chromium' (.ci/run does).");
        }
        Factory.UseKestrel(0);
        Factory.StartServer();
        var address = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // WebAuthn-era scripts reject IP literals as a domain; browse by name.
        BaseUrl = address.Replace("127.0.0.1", "localhost").Replace("[::1]", "localhost").TrimEnd('/');

        playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(playwright);
    }

    /// <summary>Headless Debian Chromium, quiet on this machine's closed network.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright)
    {
        if (ChromiumPath is null)
        {
            throw new InvalidOperationException("Chromium is not installed at /usr/bin/chromium: run 'apt-get install -y chromium' (.ci/run does).");
        }
        Directory.CreateDirectory(ScreenshotDir);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                // Without these Chromium keeps calling home, which this machine's closed network refuses.
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task<IPage> NewPageAsync(int width = 1360, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            // A person's click lets a page write the clipboard; headless Chromium otherwise may leave the write pending.
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        context.SetDefaultTimeout(20_000);
        // On a loaded 2-core CI machine a page can take longer than Playwright's 5 s to show what it will show.
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(15_000);
        var page = await context.NewPageAsync();
        // Anything the content security policy blocks would be a broken screen: collect it.
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) cspViolations.Add(message.Text);
            if (message.Type is "error" or "warning") consoleProblems.Enqueue($"{message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => consoleProblems.Enqueue($"page error: {error}");
        return page;
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> consoleProblems = new();

    /// <summary>
    /// What a failing step needs to be understood from a CI log alone: where the page is, whether its circuit broke
    /// or is reconnecting, what the browser complained about and the server's warnings and errors.
    /// </summary>
    public async Task<string> DescribeAsync(IPage page)
    {
        var lines = new List<string> { $"page: {page.Url}" };
        try
        {
            lines.Add($"error banner shown: {await page.Locator("#blazor-error-ui").IsVisibleAsync()}");
            lines.Add($"reconnect dialog: {await page.Locator("#components-reconnect-modal").GetAttributeAsync("class", new() { Timeout = 1000 }) ?? "(not shown)"}");
            lines.Add($"dialogs open: {await page.Locator(".mud-dialog").CountAsync()}");
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            lines.Add($"(page could not be read: {e.Message})");
        }
        lines.AddRange(consoleProblems.TakeLast(20).Select(p => "browser " + p));
        lines.AddRange(Factory.Logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal)
                || l.StartsWith("Critical", StringComparison.Ordinal)).TakeLast(30).Select(l => "server " + l));
        return string.Join(Environment.NewLine, lines);
    }

    private readonly System.Collections.Concurrent.ConcurrentBag<string> cspViolations = [];

    public void AssertNoCspViolations() => Assert.Empty(cspViolations);

    /// <summary>The whole page, or only what is in the viewport (for fixed overlays such as an open drawer).</summary>
    public static Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, $"{name}.png"), FullPage = fullPage });

    /// <summary>An HTTP client for the same server, as a script using the API would call it.</summary>
    public HttpClient ApiClient(string secret, string orgId)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        client.DefaultRequestHeaders.Add("X-Org-Id", orgId);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        Factory.Dispose();
    }
}

/// <summary>Like Development: a new user's org is on Pro with sample surveys, and registration shows the confirm link.</summary>
public sealed class E2eFactory : QuestraFactory
{
    public E2eFactory() : base(new SqliteTestDatabase(DatabaseFiles.NewPath("e2e"), deleteOnDispose: true)) { }

    public E2eFactory(TestDatabase database) : base(database) { }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Organizations:DefaultPlan", "Pro");
        builder.UseSetting("Organizations:SeedSampleData", "true");
        builder.UseSetting("Accounts:ShowConfirmationLink", "true");
        // Webhook receivers in these tests listen on this machine: the operator opened loopback, as for an internal receiver.
        builder.UseSetting("Webhooks:AllowedNetworks:0", "127.0.0.1/32");
        builder.UseSetting("Webhooks:PollMilliseconds", "200");
    }
}

/// <summary>The same browser flows with the app on PostgreSQL.</summary>
public sealed class PostgresBrowserHost() : BrowserHost(new E2eFactory(PostgresTestDatabase.Create()));

/// <summary>The app as in Development with no mail server: mail stays in the outbox and shows at /dev/mail.</summary>
public sealed class DevMailBrowserHost() : BrowserHost(new E2eFactory
{
    Environment = "Development",
    Settings = new Dictionary<string, string> { ["Email:Enabled"] = "true" },
});
