using System.Net;
using Microsoft.AspNetCore.Identity;
using Questra.Web.Data;

namespace Questra.Web.Features.Email;

/// <summary>
/// Identity's mail (confirmation, email change, password reset) and the "someone tried to register with your
/// address" notice, written to the outbox and saved at once.
/// </summary>
public sealed class AccountMail(QuestraDbContext db, Mailer mailer, MailLimits limits, TimeProvider clock) : IEmailSender<ApplicationUser>
{
    // The template pages hand links over HTML-encoded (for an HTML body); the outbox encodes once itself.
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        SaveAsync(string.Equals(user.Email, email, StringComparison.OrdinalIgnoreCase)
            ? Messages.ConfirmAccount(email, WebUtility.HtmlDecode(confirmationLink), clock.GetUtcNow())
            : Messages.ConfirmEmailChange(email, WebUtility.HtmlDecode(confirmationLink), clock.GetUtcNow()));

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        SaveAsync(Messages.ResetPassword(email, WebUtility.HtmlDecode(resetLink), clock.GetUtcNow()));

    // Questra resets passwords by link only; the code-based flow of Identity's API endpoints is not mapped.
    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) =>
        throw new NotSupportedException("Password reset codes are not used; Questra sends a reset link.");

    /// <summary>Someone registered with an address that has an account: tell its owner, say nothing to the registrant.</summary>
    public Task SendRegistrationAttemptAsync(string email) =>
        SaveAsync(Messages.RegistrationAttempt(email, mailer.Link("Account/Login"), mailer.Link("Account/ForgotPassword"), clock.GetUtcNow()));

    /// <summary>Tells the account's address that its sign-in changed (sent to <paramref name="to"/>: the old address after an email change).</summary>
    public Task SendAccountChangedAsync(string? to, AccountChange change) =>
        string.IsNullOrEmpty(to) ? Task.CompletedTask
            : SaveAsync(Messages.AccountChanged(to, change, mailer.Link("Account/ForgotPassword"), clock.GetUtcNow()));

    private async Task SaveAsync(OutboxMessage message)
    {
        if (!mailer.Enabled) return;
        if (!await limits.AllowsAccountMailAsync(message.Kind, message.To)) return; // the page says the same either way
        mailer.Enqueue(message);
        await db.SaveChangesAsync();
    }
}
