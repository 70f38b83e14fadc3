using System.Net;
using System.Text.RegularExpressions;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>
/// The static account pages (sign-in, registration, the Manage pages) are styled by the app's own stylesheet:
/// every class they use is defined in <c>app.css</c>, the components' scoped styles or MudBlazor's (or is Blazor's own), so no class is left over
/// from a framework the app does not ship, and a renamed style cannot silently leave a page unstyled.
/// </summary>
public partial class AccountPageStyleTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    private static readonly string[] SignedOut = ["/Account/Login", "/Account/Register", "/Account/ForgotPassword", "/Account/ResendEmailConfirmation"];

    private static readonly string[] SignedIn =
    [
        "/Account/Manage", "/Account/Manage/Email", "/Account/Manage/ChangePassword", "/Account/Manage/TwoFactorAuthentication",
        "/Account/Manage/GenerateRecoveryCodes", "/Account/Manage/PersonalData", "/Account/Manage/DeletePersonalData",
        "/Account/Manage/Disable2fa", "/Account/Manage/ResetAuthenticator", "/Account/Manage/ConfirmIdentity",
    ];

    [Fact]
    public async Task EveryClassOnTheAccountPages_IsTheAppsOwn()
    {
        var client = factory.CreateClient();
        // The app's stylesheet, its components' scoped styles, and MudBlazor's (the layout around the pages uses it).
        var css = await client.GetStringAsync("/app.css") + await client.GetStringAsync("/Questra.Web.styles.css")
            + await client.GetStringAsync("/_content/MudBlazor/MudBlazor.min.css");
        var (_, email, key) = await factory.Data.EnrolledUserAsync();
        var browser = FormClient.For(factory);
        var pages = new Dictionary<string, string>();
        foreach (var path in SignedOut) pages[path] = await browser.Http.GetStringAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LogInAsync(email, TestData.Password, code: () => factory.NextAuthenticatorCode(key))).StatusCode);
        foreach (var path in SignedIn)
        {
            var answer = await browser.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            pages[path] = await answer.Content.ReadAsStringAsync();
        }

        var strays = pages
            .SelectMany(p => ClassAttribute().Matches(p.Value).SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(token => (Page: p.Key, Token: token)))
            // MudBlazor's components also set marker classes of theirs that no stylesheet needs.
            .Where(x => !x.Token.StartsWith("mud-", StringComparison.Ordinal) && !Blazors.Contains(x.Token)
                && !Regex.IsMatch(css, $@"\.{Regex.Escape(x.Token)}(?![\w-])"))
            .Select(x => $"{x.Page}: {x.Token}")
            .Distinct()
            .ToList();

        Assert.True(strays.Count == 0, "Classes no stylesheet of the app defines: " + string.Join(", ", strays));
        // Nor the template's framework vocabulary, restyled under its old names.
        var tokens = pages.Values.SelectMany(html => ClassAttribute().Matches(html).SelectMany(m => m.Groups[1].Value.Split(' '))).ToHashSet();
        Assert.Empty(tokens.Intersect(["btn", "btn-primary", "form-control", "form-floating", "form-label", "alert", "row", "mb-3", "text-danger", "nav-link"]));
        Assert.Contains("q-btn-primary", pages["/Account/Login"]);
    }

    // Set by Blazor's forms and links themselves, or named by its error bar's script, styled or not.
    private static readonly HashSet<string> Blazors = ["valid", "invalid", "modified", "active", "reload"];

    [GeneratedRegex("class=\"([^\"]*)\"")]
    private static partial Regex ClassAttribute();
}
