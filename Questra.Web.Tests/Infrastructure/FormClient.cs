using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Questra.Web.Tests.Infrastructure;

/// <summary>
/// A browser without script for the static account pages: keeps cookies, follows no redirect, and posts a page's
/// form with its antiforgery token, as a person's browser would.
/// </summary>
public sealed partial class FormClient(HttpClient http)
{
    public static FormClient For(QuestraFactory factory, bool https = false) =>
        new(factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = new Uri(https ? "https://localhost" : "http://localhost"),
        }));

    public HttpClient Http => http;

    /// <summary>
    /// GETs <paramref name="url"/>, then posts the form named <paramref name="formName"/> there (or to the form's
    /// <paramref name="postTo"/>) with <paramref name="fields"/>.
    /// </summary>
    public async Task<HttpResponseMessage> PostFormAsync(string url, string formName, Dictionary<string, string> fields, string? postTo = null)
    {
        var page = await http.GetAsync(url);
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)page.StatusCode} {page.Headers.Location}");
        var html = await page.Content.ReadAsStringAsync();
        var token = Token().Match(html);
        Assert.True(token.Success, $"no antiforgery token on {url}");
        var form = new Dictionary<string, string>(fields)
        {
            ["_handler"] = formName,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        };
        return await http.PostAsync(postTo ?? url, new FormUrlEncodedContent(form));
    }

    /// <summary>Signs in with a password (and, when asked, a code); returns the last answer (a redirect when it worked).</summary>
    public async Task<HttpResponseMessage> LogInAsync(string email, string password, string? returnUrl = null, Func<string>? code = null)
    {
        var query = returnUrl is null ? "" : $"?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        var answer = await PostFormAsync($"/Account/Login{query}", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        if (code is not null && answer.Headers.Location?.OriginalString.Contains("LoginWith2fa") == true)
        {
            answer = await PostFormAsync(answer.Headers.Location.OriginalString, "login-with-2fa", new() { ["Input.TwoFactorCode"] = code() });
        }
        return answer;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
