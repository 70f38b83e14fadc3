using System.Net;
using System.Text.RegularExpressions;
using System.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Email;

/// <summary>Real mail through a real SMTP server: account flows end to end, key notices, and an outage that loses nothing.</summary>
public abstract partial class EmailTests(EmailFactory factory) : SmtpSuite(factory)
{
    private const string NewPassword = "Brand-new-Passw0rd!";

    private Task<MimeMessage> MailAsync(string to, Func<MimeMessage, bool> match) =>
        Factory.Smtp.WaitForAsync(to, match, explain: Factory.OutboxText);

    /// <summary>The app-relative part of the first link in a message's text.</summary>
    private static string LinkIn(MimeMessage message)
    {
        var url = Link().Match(message.TextBody ?? "").Value;
        Assert.False(string.IsNullOrEmpty(url), message.TextBody);
        return new Uri(url).PathAndQuery;
    }

    [Fact]
    public async Task Register_ConfirmFromTheDeliveredMail_ThenSignIn()
    {
        var email = $"new-{Guid.NewGuid():N}@example.test";
        var browser = FormClient.For(Factory);

        await browser.PostFormAsync("/Account/Register", "register",
            new() { ["Input.Email"] = email, ["Input.Password"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword });
        var mail = await MailAsync(email, m => m.Subject == "Confirm your Questra account");
        Assert.Equal("no-reply@questra.test", mail.From.Mailboxes.Single().Address);
        Assert.Contains("<a href=", mail.HtmlBody);

        var before = await browser.LogInAsync(email, NewPassword);
        var confirmed = await browser.Http.GetStringAsync(LinkIn(mail));
        var after = await browser.LogInAsync(email, NewPassword);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode); // not confirmed yet: the form again, with an error
        Assert.Contains("Thank you for confirming your email", confirmed);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Theory]
    [InlineData("/Account/ForgotPassword", "forgot-password", "Reset your Questra password")]
    [InlineData("/Account/ResendEmailConfirmation", "resend-email-confirmation", "Confirm your Questra account")]
    public async Task MailedLinks_PointAtThePublicAddress_WhateverHostTheRequestNamed(string page, string form, string subject)
    {
        var email = await Factory.Data.EmailOfAsync(await Factory.Data.UserAsync(mfa: false, confirmed: page.Contains("Forgot")));
        var browser = FormClient.For(Factory);
        browser.Http.DefaultRequestHeaders.Host = "evil.example";

        await browser.PostFormAsync(page, form, new() { ["Input.Email"] = email });

        var mail = await MailAsync(email, m => m.Subject == subject);
        Assert.DoesNotContain("evil.example", mail.HtmlBody);
        Assert.DoesNotContain("evil.example", mail.TextBody);
        Assert.Matches("https?://localhost/Account/", mail.TextBody); // Email:PublicBaseUrl of the suite
    }

    [Fact]
    public async Task ChangesToHowAnAccountSignsIn_AreToldToItsAddress()
    {
        var (id, email, key) = await Factory.Data.EnrolledUserAsync();
        var browser = FormClient.For(Factory);
        await browser.LogInAsync(email, TestData.Password, code: () => Factory.NextAuthenticatorCode(key));

        await browser.PostFormAsync("/Account/Manage/ChangePassword", "change-password", new()
        {
            ["Input.OldPassword"] = TestData.Password, ["Input.NewPassword"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword,
        });
        var passwordNotice = await MailAsync(email, m => m.Subject == "Your Questra account: the password was changed");
        Assert.Contains("/Account/ForgotPassword", passwordNotice.TextBody);

        await Factory.Data.WithService<IServiceProvider, bool>(async services =>
        {
            var users = services.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Questra.Web.Data.ApplicationUser>>();
            return await services.GetRequiredService<Questra.Web.Features.Mfa.MfaService>().DisableAsync((await users.FindByIdAsync(id))!, "10.0.0.1");
        });
        await MailAsync(email, m => m.Subject == "Your Questra account: two-factor authentication was turned off");

        // An email change: the old address is told, and named the new one.
        var newEmail = $"new-{Guid.NewGuid():N}@example.test";
        var token = await Factory.Data.WithService<Microsoft.AspNetCore.Identity.UserManager<Questra.Web.Data.ApplicationUser>, string>(async users =>
            await users.GenerateChangeEmailTokenAsync((await users.FindByIdAsync(id))!, newEmail));
        var confirmed = await browser.Http.GetAsync(
            $"/Account/ConfirmEmailChange?userId={id}&email={Uri.EscapeDataString(newEmail)}&code={Questra.Web.Features.Accounts.LinkCode.Encode(token)}");
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var emailNotice = await MailAsync(email, m => m.Subject == "Your Questra account: the email address was changed");
        Assert.Contains(newEmail, emailNotice.TextBody);
        Assert.DoesNotContain(Factory.Smtp.To(newEmail), m => (m.Subject ?? "").StartsWith("Your Questra account", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AccountMailToOneAddress_StopsAfterFiveOfAKindAnHour_AndThePageSaysTheLimitToEveryone()
    {
        var email = await Factory.Data.EmailOfAsync(await Factory.Data.UserAsync(mfa: false));
        var browser = FormClient.For(Factory);

        for (var i = 0; i < 7; i++)
        {
            var answer = await browser.PostFormAsync("/Account/ForgotPassword", "forgot-password", new() { ["Input.Email"] = email });
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        }
        // Another kind to the same address is counted apart.
        await browser.PostFormAsync("/Account/Register", "register", new()
        {
            ["Input.Email"] = email, ["Input.Password"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword,
        });

        Assert.Equal(1, await Factory.Data.WithDb(db => db.OutboxMessages.CountAsync(m => m.To == email && m.Kind == "account.register_existing")));
        Assert.Equal(5, await Factory.Data.WithDb(db => db.OutboxMessages.CountAsync(m => m.To == email && m.Kind == "account.password_reset")));
        Assert.Contains("At most 5 such emails an hour", await browser.Http.GetStringAsync("/Account/ForgotPasswordConfirmation"));
    }

    [Fact]
    public async Task ForgotPassword_ResetFromTheDeliveredMail_ThenSignInWithTheNewOne()
    {
        var email = await Factory.Data.EmailOfAsync(await Factory.Data.UserAsync(mfa: false));
        var browser = FormClient.For(Factory);

        await browser.PostFormAsync("/Account/ForgotPassword", "forgot-password", new() { ["Input.Email"] = email });
        var mail = await MailAsync(email, m => m.Subject == "Reset your Questra password");
        var reset = await browser.PostFormAsync(LinkIn(mail), "reset-password",
            new()
            {
                ["Input.Email"] = email,
                ["Input.Password"] = NewPassword,
                ["Input.ConfirmPassword"] = NewPassword,
                // The page carries the code, decoded, in a hidden field; a browser would post it back.
                ["Input.Code"] = System.Text.Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(
                        HttpUtility.ParseQueryString(new Uri("http://x" + LinkIn(mail)).Query)["code"]!))
            });

        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await FormClient.For(Factory).LogInAsync(email, TestData.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await FormClient.For(Factory).LogInAsync(email, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task RegisteringAKnownAddress_TellsItsOwner_AndNobodyElse()
    {
        var email = await Factory.Data.EmailOfAsync(await Factory.Data.UserAsync(mfa: false));

        await FormClient.For(Factory).PostFormAsync("/Account/Register", "register",
            new() { ["Input.Email"] = email, ["Input.Password"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword });

        var mail = await MailAsync(email, m => m.Subject == "Someone tried to register with your address");
        Assert.Contains("/Account/ForgotPassword", mail.TextBody);
    }

    [Fact]
    public async Task KeyNotices_ReachTheOwner_WithoutTheSecret()
    {
        var (org, owner) = await Factory.Data.OrgWithOwnerAsync();
        var admin = await Factory.Data.UserAsync();
        await Factory.Data.AddMemberAsync(org, admin, OrgRole.Admin);
        var ownerEmail = await Factory.Data.EmailOfAsync(owner);
        var (keyId, secret) = await Factory.Data.KeyAsync(org, owner, name: "Nightly ETL");
        var (_, adminSecret) = await Factory.Data.KeyAsync(org, admin, name: "Admin's");

        var created = await MailAsync(ownerEmail, m => (m.Subject ?? "").Contains("Nightly ETL"));
        Assert.Equal(HttpStatusCode.OK, (await Factory.ApiClient(adminSecret, org).PostAsync($"/api/api-keys/{keyId}/revoke", null)).StatusCode);
        var revoked = await MailAsync(ownerEmail, m => m.Subject == "Your API key \"Nightly ETL\" was revoked");

        Assert.Contains(secret[..12], created.TextBody);                 // the display prefix, to recognise it
        Assert.Contains("surveys:read", created.TextBody);
        Assert.Contains("127.0.0.1", created.TextBody);
        Assert.Contains(await Factory.Data.EmailOfAsync(admin), revoked.TextBody);
        foreach (var message in Factory.Smtp.Messages())
        {
            Assert.DoesNotContain(secret[12..], message.TextBody + message.HtmlBody);
            Assert.DoesNotContain(adminSecret[12..], message.TextBody + message.HtmlBody);
        }
    }

    [Fact]
    public async Task WhenTheOrganizationOptsIn_OwnersAndAdminsHearOfEveryNewKey()
    {
        var (org, owner) = await Factory.Data.OrgWithOwnerAsync();
        var (admin, member) = (await Factory.Data.UserAsync(), await Factory.Data.UserAsync());
        await Factory.Data.AddMemberAsync(org, admin, OrgRole.Admin);
        await Factory.Data.AddMemberAsync(org, member, OrgRole.Member);
        var adminEmail = await Factory.Data.EmailOfAsync(admin);
        await Factory.Data.KeyAsync(org, owner, name: "Before opting in");

        var optIn = await Factory.Data.WithService<MembershipService, Questra.Web.Features.Common.ServiceResult<Organization>>(
            m => m.SetKeyNoticesAsync(org, new Questra.Web.Features.Common.Caller(owner, null), true));
        Assert.True(optIn.Succeeded);
        await Factory.Data.KeyAsync(org, owner, name: "After opting in");

        var notice = await MailAsync(adminEmail, m => (m.Subject ?? "").Contains("After opting in"));
        Assert.Contains(await Factory.Data.EmailOfAsync(owner), notice.TextBody);
        Assert.DoesNotContain(Factory.Smtp.To(adminEmail), m => (m.Subject ?? "").Contains("Before opting in"));
        Assert.Empty(Factory.Smtp.To(await Factory.Data.EmailOfAsync(member)));
    }

    [Fact]
    public async Task AnOwnerRevokingTheirOwnKey_GetsNoRevocationMail()
    {
        var (org, owner) = await Factory.Data.OrgWithOwnerAsync();
        var ownerEmail = await Factory.Data.EmailOfAsync(owner);
        var (keyId, secret) = await Factory.Data.KeyAsync(org, owner, name: "Own");
        await MailAsync(ownerEmail, m => (m.Subject ?? "").Contains("\"Own\""));

        Assert.Equal(HttpStatusCode.OK, (await Factory.ApiClient(secret, org).PostAsync($"/api/api-keys/{keyId}/revoke", null)).StatusCode);
        var (_, marker) = await Factory.Data.KeyAsync(org, owner, name: "After");
        await MailAsync(ownerEmail, m => (m.Subject ?? "").Contains("\"After\""));

        Assert.DoesNotContain(Factory.Smtp.To(ownerEmail), m => (m.Subject ?? "").Contains("revoked"));
    }

    [Fact]
    public async Task WhileTheMailServerIsDown_TheApiStillAnswers_AndTheNoticeArrivesWhenItIsBack()
    {
        var (org, owner) = await Factory.Data.OrgWithOwnerAsync();
        var ownerEmail = await Factory.Data.EmailOfAsync(owner);
        var (_, secret) = await Factory.Data.KeyAsync(org, owner, name: "Parent");
        await MailAsync(ownerEmail, m => (m.Subject ?? "").Contains("\"Parent\""));
        Factory.Smtp.Stop();

        var answer = await Factory.ApiClient(secret, org).PostAsync("/api/api-keys",
            new StringContent("""{"name":"Made during the outage"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        await Eventually.HoldsAsync(() => Factory.Data.WithDb(db => db.OutboxMessages.AnyAsync(m => m.To == ownerEmail && m.Attempts > 0 && m.SentAt == null)),
            "a failed delivery attempt recorded", seconds: 20);

        await Factory.Smtp.StartAsync();
        Factory.Clock.Advance(TimeSpan.FromHours(1)); // past the retry backoff

        await MailAsync(ownerEmail, m => (m.Subject ?? "").Contains("Made during the outage"));
        Assert.Single(Factory.Smtp.To(ownerEmail), m => (m.Subject ?? "").Contains("Made during the outage"));
    }

    [Fact]
    public async Task ExpiryNotices_GoOutOnceAtSevenDays_AndOnceAtOneDay()
    {
        var (org, owner) = await Factory.Data.OrgWithOwnerAsync();
        var ownerEmail = await Factory.Data.EmailOfAsync(owner);
        var (keyId, _) = await Factory.Data.KeyAsync(org, owner, name: "Quarterly export", expiresAt: Factory.Clock.GetUtcNow().AddDays(10));
        var notifier = Factory.Services.GetRequiredService<Questra.Web.Features.ApiKeys.KeyExpiryNotifier>();
        Task<List<string>> NoticesAsync() => Factory.Data.WithDb(db => db.OutboxMessages
            .Where(m => m.DedupeKey != null && m.DedupeKey.EndsWith(":" + keyId)).Select(m => m.DedupeKey!).ToListAsync());
        await notifier.RunOnceAsync();
        Assert.Empty(await NoticesAsync());

        Factory.Clock.Advance(TimeSpan.FromDays(3.5));
        await Task.WhenAll(notifier.RunOnceAsync(), notifier.RunOnceAsync()); // two instances at once
        await notifier.RunOnceAsync();
        Assert.Equal([$"api_key.expiring.7d:{keyId}"], await NoticesAsync());
        await MailAsync(ownerEmail, m => m.Subject == "API key \"Quarterly export\" expires in 7 days");
        // The jump waits until the mail is marked sent: a jump before that lets its claim run out and it goes again.
        await Eventually.HoldsAsync(() => Factory.Data.WithDb(db => db.OutboxMessages.AnyAsync(m => m.DedupeKey == $"api_key.expiring.7d:{keyId}" && m.SentAt != null)),
            "the 7-day notice marked sent", 20);

        Factory.Clock.Advance(TimeSpan.FromDays(5.75));
        await notifier.RunOnceAsync();
        await notifier.RunOnceAsync();
        Assert.Equal(new[] { $"api_key.expiring.1d:{keyId}", $"api_key.expiring.7d:{keyId}" }, (await NoticesAsync()).Order());
        await MailAsync(ownerEmail, m => m.Subject == "API key \"Quarterly export\" expires tomorrow");
        Assert.Equal(2, Factory.Smtp.To(ownerEmail).Count(m => (m.Subject ?? "").Contains("expires")));
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Link();
}

public sealed class EmailTestsOnSqlite(EmailFactory factory) : EmailTests(factory), IClassFixture<EmailFactory>;

public sealed class EmailTestsOnPostgres(PostgresEmailFactory factory) : EmailTests(factory), IClassFixture<PostgresEmailFactory>;
