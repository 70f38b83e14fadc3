using System.Net;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Email;

/// <summary>Without a mail server, Development keeps mail in the outbox and shows it at /dev/mail; elsewhere there is no such page, and no start.</summary>
public class DevMailTests
{
    private const string Password = "Dev-mail-Passw0rd!";

    [Fact]
    public async Task InDevelopment_MailWaitsInTheOutbox_AndDevMailShowsItNewestFirst_WithItsLinksClickable()
    {
        using var factory = new QuestraFactory { Environment = "Development", Settings = new Dictionary<string, string> { ["Email:Enabled"] = "true" } };
        var browser = FormClient.For(factory);
        var first = $"first-{Guid.NewGuid():N}@example.test";
        var second = $"second-{Guid.NewGuid():N}@example.test";

        foreach (var email in new[] { first, second })
        {
            await browser.PostFormAsync("/Account/Register", "register",
                new() { ["Input.Email"] = email, ["Input.Password"] = Password, ["Input.ConfirmPassword"] = Password });
        }
        var page = await browser.Http.GetStringAsync("/dev/mail");

        Assert.True(page.IndexOf(second, StringComparison.Ordinal) < page.IndexOf(first, StringComparison.Ordinal), "newest first");
        Assert.Contains("Confirm your Questra account", page);
        var link = System.Text.RegularExpressions.Regex.Match(page, "href=\"(http://localhost/Account/ConfirmEmail[^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(link);
        Assert.Contains("Thank you for confirming your email",
            await browser.Http.GetStringAsync(new Uri(System.Net.WebUtility.HtmlDecode(link)).PathAndQuery));
        Assert.Equal(0, await factory.Data.WithDb(db => db.OutboxMessages.CountAsync(m => m.SentAt != null)));
    }

    [Fact]
    public async Task OutsideDevelopment_DevMailIs404()
    {
        using var factory = new QuestraFactory();

        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync("/dev/mail")).StatusCode);
    }
}
