using System.Net;
using System.Text.RegularExpressions;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>
/// Without signing in, nobody can tell from Questra's answers whether an address has an account: with mail on, and
/// with mail off (where the pages say what happens instead of a mail).
/// </summary>
public abstract partial class EnumerationTests(QuestraFactory factory)
{
    private const string NewPassword = "Another-long-Passw0rd!";

    /// <summary>Status, where it leads and what it says, with the address itself and per-response tokens and ids blanked out.</summary>
    private static async Task<string> AnswerAsync(HttpResponseMessage response, string email)
    {
        var body = await response.Content.ReadAsStringAsync();
        body = Volatile().Replace(body.Replace(email, "EMAIL").Replace(Uri.EscapeDataString(email), "EMAIL"), "$1=\"…\"");
        body = Protected().Replace(body, "…");
        var location = response.Headers.Location?.OriginalString.Replace(Uri.EscapeDataString(email), "EMAIL").Replace(email, "EMAIL");
        return $"{(int)response.StatusCode} {location}\n{body}";
    }

    protected QuestraFactory Factory => factory;

    protected async Task<(string Known, string Unknown)> BothAsync(Func<FormClient, string, Task<HttpResponseMessage>> ask)
    {
        var known = await factory.Data.EmailOfAsync(await factory.Data.UserAsync(mfa: false));
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";
        return (await AnswerAsync(await ask(FormClient.For(factory), known), known),
                await AnswerAsync(await ask(FormClient.For(factory), unknown), unknown));
    }

    [Fact]
    public async Task Register_AnswersAlike()
    {
        var (known, unknown) = await BothAsync((c, email) => c.PostFormAsync("/Account/Register", "register",
            new() { ["Input.Email"] = email, ["Input.Password"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword }));

        Assert.Equal(unknown, known);
        Assert.StartsWith("302", known);
        Assert.DoesNotContain("already taken", known);
    }

    [Fact]
    public async Task RegisterConfirmation_AnswersAlike()
    {
        var (known, unknown) = await BothAsync((c, email) => c.Http.GetAsync($"/Account/RegisterConfirmation?email={Uri.EscapeDataString(email)}"));

        Assert.Equal(unknown, known);
        Assert.StartsWith("200", known);
    }

    [Fact]
    public async Task SignInWithAWrongPassword_AnswersAlike()
    {
        var (known, unknown) = await BothAsync((c, email) => c.LogInAsync(email, "wrong-Passw0rd!"));

        Assert.Equal(unknown, known);
        Assert.Contains("Invalid login attempt", known);
    }

    [Fact]
    public async Task RegisteringAnAddressTwice_CreatesNoSecondAccountOrOrganization()
    {
        var email = await factory.Data.EmailOfAsync(await factory.Data.UserAsync(mfa: false));
        var before = await factory.Data.WithDb(db => Task.FromResult((db.Users.Count(), db.Organizations.Count())));

        var answer = await FormClient.For(factory).PostFormAsync("/Account/Register", "register",
            new() { ["Input.Email"] = email.ToUpperInvariant(), ["Input.Password"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword });

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal(before, await factory.Data.WithDb(db => Task.FromResult((db.Users.Count(), db.Organizations.Count()))));
    }

    // Encrypted payloads (the circuit's component descriptors) differ per response; they say nothing about the address.
    [GeneratedRegex("[A-Za-z0-9+/_-]{40,}={0,2}")]
    private static partial Regex Protected();

    // Antiforgery tokens and component ids differ per response; they say nothing about the address.
    [GeneratedRegex("(value|id)=\"[^\"]*\"")]
    private static partial Regex Volatile();
}

/// <summary>With mail on, the pages that send mail answer alike too.</summary>
public sealed class EnumerationTestsWithMail(MailOnFactory factory) : EnumerationTests(factory), IClassFixture<MailOnFactory>
{
    [Fact]
    public async Task ResendConfirmation_AnswersAlike()
    {
        var (known, unknown) = await BothAsync((c, email) => c.PostFormAsync("/Account/ResendEmailConfirmation", "resend-email-confirmation",
            new() { ["Input.Email"] = email }));

        Assert.Equal(unknown, known);
    }

    [Fact]
    public async Task ForgotPassword_AnswersAlike()
    {
        var (known, unknown) = await BothAsync((c, email) => c.PostFormAsync("/Account/ForgotPassword", "forgot-password",
            new() { ["Input.Email"] = email }));

        Assert.Equal(unknown, known);
    }
}

/// <summary>With mail off, the pages that would send mail say what happens instead, alike for every address.</summary>
public sealed class EnumerationTestsWithoutMail(QuestraFactory factory) : EnumerationTests(factory), IClassFixture<QuestraFactory>
{
    [Theory]
    [InlineData("/Account/ResendEmailConfirmation", "admin confirm-user")]
    [InlineData("/Account/ForgotPassword", "No reset link can be mailed")]
    public async Task PagesThatWouldMail_SayNoMailIsSent_AndOfferNoForm(string page, string instead)
    {
        var body = await (await FormClient.For(Factory).Http.GetAsync(page)).Content.ReadAsStringAsync();

        Assert.Contains("This installation does not send email.", body);
        Assert.Contains(instead, body);
        Assert.DoesNotContain("<form", body);
    }

    [Fact]
    public async Task RegisterConfirmation_SaysTheOperatorConfirms_AlikeForEveryAddress()
    {
        var (known, unknown) = await BothAsync((c, email) => c.Http.GetAsync($"/Account/RegisterConfirmation?email={Uri.EscapeDataString(email)}"));

        Assert.Equal(unknown, known);
        Assert.Contains("does not send email", known);
        Assert.Contains("admin confirm-user EMAIL", known);
        Assert.DoesNotContain("We sent", known);
    }
}
