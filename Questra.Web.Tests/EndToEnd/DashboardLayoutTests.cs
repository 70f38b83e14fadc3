using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Questra.Web.Tests.EndToEnd;

/// <summary>
/// Every main screen at a laptop's and a phone's size, with data that is long where users' data gets long: row
/// actions stay on screen, nothing scrolls sideways, audit rows stay short, and axe-core finds no critical or
/// serious accessibility violation. Each screen is saved as a screenshot.
/// </summary>
public sealed class DashboardLayoutTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private readonly BrowserSteps steps = new(host);

    public static readonly TheoryData<int, int> Viewports = new() { { 1280, 720 }, { 390, 844 } };

    private sealed record Screen(string Name, string Url, string Ready);

    // An owner whose organization has long names, a page and a half of keys in every state, and a long audit trail.
    private async Task<(string Email, string SharedKey, string OrgId, string KeyId, Survey Survey)> BusyOrganizationAsync()
    {
        var (ownerId, email, sharedKey, orgId) = await steps.EnrolledOwnerAsync("layout");
        var data = new TestData(host.Factory.Services);
        var caller = new Caller(ownerId, "203.0.113.7");
        await data.WithService<MembershipService, ServiceResult<Organization>>(m =>
            m.RenameAsync(orgId, caller, "The Extraordinarily Long-Named Research Department of Applied Survey Methodology"));
        foreach (var role in new[] { OrgRole.Admin, OrgRole.Member })
        {
            var user = await data.UserAsync();
            await data.WithDb(db => db.Users.Where(u => u.Id == user).ExecuteUpdateAsync(s => s.SetProperty(
                u => u.Email, $"a.very.long.mailbox.name.for.{role.ToString().ToLowerInvariant()}.{Guid.NewGuid():N}@departmental-subdomain.example.test")));
            await data.AddMemberAsync(orgId, user, role);
        }
        var surveys = new List<string>();
        for (var i = 0; i < 3; i++) surveys.Add(await data.SurveyAsync(orgId, ownerId, $"Customer satisfaction, wave {i + 1}, with a long title"));
        // A survey written in the editor, with one question of each kind and a few answers.
        var authored = await data.AuthoredSurveyAsync(orgId, ownerId, TestData.EveryKind("Onboarding feedback from the first week, asked of every new customer"));
        for (var i = 0; i < 4; i++)
        {
            var q = authored.Questions.OrderBy(q => q.Position).ToList();
            await data.RespondAsync(authored, new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
            {
                [$"q{q[0].Id}"] = q[0].Options[i % 3].Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [$"q{q[1].Id}"] = new([.. q[1].Options.Take(i % 3 + 1).Select(o => o.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
                [$"q{q[2].Id}"] = (i + 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
                [$"q{q[3].Id}"] = (7 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                [$"q{q[4].Id}"] = "Lisbon",
            }, host.Factory.Clock.GetUtcNow());
        }
        surveys.Add(authored.Id);

        var now = host.Factory.Clock.GetUtcNow().AddMinutes(1);
        string? keyId = null;
        for (var i = 0; i < 24; i++)
        {
            host.Factory.Clock.Advance(TimeSpan.FromSeconds(1)); // a stable newest-first order
            var name = i == 0 ? "Nightly-warehouse-export-for-the-finance-team-" + new string('x', 50) : $"Key {i:D2}";
            var (id, _) = await data.KeyAsync(orgId, ownerId, name: name[..Math.Min(name.Length, 100)],
                scopes: i % 3 == 0 ? null : ["surveys:read"], surveyIds: i % 4 == 1 ? [.. surveys] : null,
                expiresAt: i % 5 == 2 ? now.AddDays(3) : now.AddDays(60));
            keyId ??= id;
            await data.WithService<ApiKeyService, ServiceResult<bool>>(s => s.ConfirmSecretSavedAsync(orgId, caller, id));
            if (i == 3) await data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RevokeAsync(orgId, caller, id));
            if (i == 20) await data.WithService<ApiKeyService, ServiceResult<CreatedApiKey>>(s => s.RollAsync(orgId, caller, id, new RollOptions(24, null)));
        }
        return (email, sharedKey, orgId, keyId!, authored);
    }

    [BrowserTheory]
    [MemberData(nameof(Viewports))]
    public async Task EveryMainScreen_FitsTheViewport_AndHasNoSeriousAccessibilityViolation(int width, int height)
    {
        var (email, sharedKey, _, keyId, survey) = await BusyOrganizationAsync();
        var page = await host.NewPageAsync(width, height);

        // The public form, as a respondent meets it: signed out, plain HTML.
        await page.GotoAsync($"/s/{survey.PublicId}");
        await Expect(page.GetByTestId("respond-question")).ToHaveCountAsync(6);
        await CheckScreenAsync(page, width, "survey-form");
        await page.GetByTestId("respond-submit").ClickAsync();
        await Expect(page.GetByTestId("respond-errors")).ToBeVisibleAsync();
        await CheckScreenAsync(page, width, "survey-form-errors");

        // Signed out: signing in and signing up.
        await page.GotoAsync("/Account/Login");
        await CheckScreenAsync(page, width, "login");
        await page.GotoAsync("/Account/Register");
        await Expect(page.GetByTestId("password-rules")).ToContainTextAsync("At least");
        await CheckScreenAsync(page, width, "register");

        await steps.LogInWithCodeAsync(page, email, sharedKey);
        Screen[] screens =
        [
            new("surveys", "/", "survey-row"),
            new("api-keys", "/settings/api-keys", "api-key-row"),
            new("api-key-detail", $"/settings/api-keys/{keyId}", "api-key-id"),
            new("settings", "/settings", "member-row"),
            new("audit-log", "/settings/audit", "audit-row"),
            new("invitations", "/invitations", "invitations-empty"),
            new("survey-results", $"/surveys/{survey.Id}", "question-result"),
            new("survey-editor", $"/surveys/{survey.Id}/edit", "question-editor"),
            new("survey-new", "/surveys/new", "survey-title"),
        ];
        foreach (var screen in screens)
        {
            await BrowserSteps.GotoInteractiveAsync(page, screen.Url);
            await Expect(page.GetByTestId(screen.Ready).First).ToBeVisibleAsync();
            await CheckScreenAsync(page, width, screen.Name);
        }

        // A survey's own pages belong to the Surveys section of the navigation.
        if (width >= 960)
        {
            await BrowserSteps.GotoInteractiveAsync(page, $"/surveys/{survey.Id}");
            await Expect(page.Locator(".side-nav a.active")).ToHaveTextAsync("Surveys");
        }

        // The API reference: our page around ReDoc, with a way back, and nothing fetched from elsewhere (ReDoc asks
        // for its attribution logo on its own CDN; the Content-Security-Policy stops that before it leaves).
        var origin = page.Url[..page.Url.IndexOf('/', 8)];
        var external = new List<string>();
        page.Response += (_, response) =>
        {
            if (!response.Url.StartsWith(origin, StringComparison.Ordinal) && !response.Url.StartsWith("data:", StringComparison.Ordinal)
                && !response.Url.StartsWith("blob:", StringComparison.Ordinal)) external.Add(response.Url);
        };
        await page.GotoAsync("/api/docs/");
        await Expect(page.Locator("#redoc-container h1").First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "← Questra dashboard" })).ToHaveAttributeAsync("href", "/");
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        await CheckScreenAsync(page, width, "api-docs");
        Assert.Empty(external);

        // Account pages render without a live connection, in the same frame.
        await page.GotoAsync("/Account/Manage/TwoFactorAuthentication");
        await Expect(page.GetByTestId("2fa-status")).ToContainTextAsync("Two-factor authentication is on.");
        Assert.True(await page.Locator("#main-content .q-btn-primary").CountAsync() <= 1, "one primary action at most");
        await CheckScreenAsync(page, width, "two-factor");

        // Row actions: every one on screen at this width (after scrolling down to it), none hidden sideways.
        await BrowserSteps.GotoInteractiveAsync(page, "/settings/api-keys");
        var actions = page.Locator("[data-testid=api-key-row] .cell-actions button");
        Assert.True(await actions.CountAsync() >= 40, "each of the 20 rows on the page offers its actions");
        for (var i = 0; i < await actions.CountAsync(); i++)
        {
            var button = actions.Nth(i);
            await button.ScrollIntoViewIfNeededAsync();
            var box = await button.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.X >= 0 && box.X + box.Width <= width, $"action {i} at x={box.X}..{box.X + box.Width} is outside the {width} px viewport");
            // On a phone each is a target a finger can hit (WCAG 2.5.5: 44 px).
            if (width < 800) Assert.True(box.Width >= 44 && box.Height >= 44, $"action {i} is {box.Width}×{box.Height} px on a phone");
            // Named for its key, so a screen reader's list of buttons says which key each acts on.
            Assert.Matches("^(Roll|Revoke|Delete) .+", await button.GetAttributeAsync("aria-label") ?? "");
        }
        await Expect(page.GetByTestId("rolled-to")).ToContainTextAsync("works until");

        // On a phone the navigation waits behind the menu button instead of standing above every page.
        if (width < 960)
        {
            var nav = page.GetByRole(AriaRole.Link, new() { Name = "API Keys", Exact = true });
            await Expect(nav).Not.ToBeInViewportAsync();
            await page.GetByTestId("menu-button").ClickAsync();
            await Expect(nav).ToBeInViewportAsync();
            await BrowserHost.ScreenshotAsync(page, $"layout-{width}-menu-open", fullPage: false);
            await nav.ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/settings/api-keys$"));
        }

        // Focus you can see: each kind of control looks different when the keyboard is on it.
        await BrowserSteps.GotoInteractiveAsync(page, $"/settings/api-keys/{keyId}");
        await AssertFocusShowsAsync(page, page.GetByTestId("copy-key-id"), "the Copy button");
        if (width >= 960) await AssertFocusShowsAsync(page, page.Locator(".side-nav a").Filter(new() { HasText = "Settings" }), "a navigation link");
        await AssertFocusShowsAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "← API Keys" }).Or(page.Locator("#main-content a").First).First, "a link");
        await BrowserSteps.GotoInteractiveAsync(page, $"/surveys/{survey.Id}/edit");
        var required = page.GetByTestId("question-editor").First.GetByTestId("question-required");
        await AssertFocusShowsAsync(page, required, "a switch", ring: required.Locator("xpath=ancestor::*[contains(@class,'mud-icon-button')][1]"));

        // The audit log: long details stay one line until opened; a row stays a short card (a long address may wrap
        // the sentence over three lines on a phone).
        await BrowserSteps.GotoInteractiveAsync(page, "/settings/audit");
        foreach (var row in await page.GetByTestId("audit-row").AllAsync())
        {
            var box = await row.BoundingBoxAsync();
            Assert.True(box!.Height <= 200, $"an audit row is {box.Height} px tall");
            if (await row.Locator("details summary").CountAsync() == 1)
            {
                var summary = await row.Locator("details summary").BoundingBoxAsync();
                Assert.True(summary!.Height <= 30, $"an audit row's closed details are {summary.Height} px tall");
            }
        }
    }

    // Focused from the keyboard, the control (or the element drawing its ring) has an outline it lacks unfocused.
    private static async Task AssertFocusShowsAsync(IPage page, ILocator control, string what, ILocator? ring = null)
    {
        ring ??= control;
        const string Look = "e => { const s = getComputedStyle(e); return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}`; }";
        await control.ScrollIntoViewIfNeededAsync();
        await page.Locator("body").FocusAsync();
        var unfocused = await ring.EvaluateAsync<string>(Look);
        await page.Keyboard.PressAsync("Shift"); // keyboard modality: the next focus is a keyboard focus
        await control.FocusAsync();
        var focused = await ring.EvaluateAsync<string>(Look);
        Assert.True(focused != unfocused && !focused.StartsWith("none", StringComparison.Ordinal),
            $"{what} looks the same focused ({focused}) as unfocused ({unfocused})");
        await control.BlurAsync();
    }

    // A screenshot, nothing wider than the viewport, and axe-core's verdict.
    private static async Task CheckScreenAsync(IPage page, int width, string name)
    {
        await BrowserHost.ScreenshotAsync(page, $"layout-{width}-{name}");
        var scrollWidth = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"{name} at {width} px scrolls sideways ({scrollWidth} px wide)");
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "critical" or "serious")
            .Select(v => $"{v.Id} ({v.Impact}): {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.True(serious.Count == 0, $"{name} at {width} px:\n{string.Join('\n', serious)}");
    }
}
