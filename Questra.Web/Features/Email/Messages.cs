namespace Questra.Web.Features.Email;

/// <summary>Every message Questra sends, in one place. None carries a secret: a key appears by name and prefix only.</summary>
public static class Messages
{
    public static OutboxMessage ConfirmAccount(string to, string link, DateTimeOffset now) => Mail.Compose("account.confirm", to,
        "Confirm your Questra account",
        ["Someone (we hope you) created a Questra account with this address. Confirm it to sign in.",
         "If it was not you, ignore this message: without confirmation the account cannot be used."],
        new MailAction("Confirm your account", link), now);

    public static OutboxMessage ConfirmEmailChange(string to, string link, DateTimeOffset now) => Mail.Compose("account.email_change", to,
        "Confirm your new email address for Questra",
        ["You asked to use this address for your Questra account. Confirm it to make the change.",
         "If it was not you, ignore this message and nothing changes."],
        new MailAction("Confirm this address", link), now);

    public static OutboxMessage ResetPassword(string to, string link, DateTimeOffset now) => Mail.Compose("account.password_reset", to,
        "Reset your Questra password",
        ["Someone asked to reset the password of the Questra account with this address.",
         "If it was you, choose a new password with the link below. If not, ignore this message: your password stays as it is."],
        new MailAction("Choose a new password", link), now);

    /// <summary>A change to the account's sign-in (password, two-factor, email), told to its address: a takeover is not silent.</summary>
    public static OutboxMessage AccountChanged(string to, AccountChange change, string resetUrl, DateTimeOffset now) => Mail.Compose(
        "account.changed." + change.Kind, to,
        $"Your Questra account: {change.What}",
        [$"{change.What[..1].ToUpperInvariant()}{change.What[1..]} on your Questra account ({now.UtcDateTime:yyyy-MM-dd HH:mm} UTC).{change.More}",
         "If it was you, there is nothing more to do. If it was not, reset your password now with the link below, turn "
         + "two-factor authentication on again, and tell an owner of your organization, who can revoke your API keys."],
        new MailAction("Reset your password", resetUrl), now);

    public static OutboxMessage RegistrationAttempt(string to, string loginUrl, string resetUrl, DateTimeOffset now) => Mail.Compose("account.register_existing", to,
        "Someone tried to register with your address",
        ["Someone tried to create a Questra account with this address, which already has one. No new account was made.",
         $"If it was you: sign in at {loginUrl} instead. Forgot your password? You can reset it."],
        new MailAction("Reset your password", resetUrl), now);

    public static OutboxMessage KeyCreated(string to, KeyNotice key, DateTimeOffset now) => Mail.Compose("api_key.created", to,
        $"New API key \"{key.Name}\" on your Questra account",
        [$"An API key was created for your account in {key.OrganizationName}: \"{key.Name}\" ({key.Prefix}…), scopes {key.Scopes}, {key.Expiry}.",
         $"Created by {key.By}{key.From}.",
         "If you did not expect this, revoke the key in the dashboard at once."],
        new MailAction("See your API keys", key.KeysUrl), now);

    public static OutboxMessage KeyCreatedInOrganization(string to, KeyNotice key, string owner, DateTimeOffset now) => Mail.Compose("api_key.created.org", to,
        $"New API key in {key.OrganizationName}: \"{key.Name}\"",
        [$"{owner} has a new API key in {key.OrganizationName}: \"{key.Name}\" ({key.Prefix}…), scopes {key.Scopes}, {key.Expiry}.",
         $"Created by {key.By}{key.From}. You get this because the organization asks for a notice of every new key (Settings).",
         "If it looks wrong, revoke the key in the dashboard: owners and admins can stop any key of the organization."],
        new MailAction("See the organization's API keys", key.KeysUrl), now);

    public static OutboxMessage KeyRolled(string to, KeyNotice key, string newPrefix, DateTimeOffset now) => Mail.Compose("api_key.rolled", to,
        $"API key \"{key.Name}\" was rolled",
        [$"Your API key \"{key.Name}\" ({key.Prefix}…) in {key.OrganizationName} was replaced by a new one ({newPrefix}…), by {key.By}{key.From}.",
         "Update your scripts with the new secret before the old one stops working."],
        new MailAction("See your API keys", key.KeysUrl), now);

    public static OutboxMessage KeyStoppedBySomeoneElse(string to, KeyNotice key, string what, int descendants, DateTimeOffset now) => Mail.Compose($"api_key.{what}", to,
        $"Your API key \"{key.Name}\" was {what}",
        [$"Your API key \"{key.Name}\" ({key.Prefix}…) in {key.OrganizationName} was {what} by {key.By}{key.From}. Requests with it are refused from now on."
            + (descendants > 0 ? $" {descendants} key(s) made from it stopped with it." : ""),
         "If you still need access, create a new key."],
        new MailAction("See your API keys", key.KeysUrl), now);

    public static OutboxMessage KeyExpiring(string to, KeyNotice key, DateTimeOffset expiresAt, int days, DateTimeOffset now) => Mail.Compose("api_key.expiring", to,
        days == 1 ? $"API key \"{key.Name}\" expires tomorrow" : $"API key \"{key.Name}\" expires in {days} days",
        [$"Your API key \"{key.Name}\" ({key.Prefix}…) in {key.OrganizationName} expires at {expiresAt:yyyy-MM-dd HH:mm} UTC.",
         "To keep your scripts working, roll it (you can pick a new expiry) or create a new key before then."],
        new MailAction("See your API keys", key.KeysUrl), now, dedupeKey: $"api_key.expiring.{days}d:{key.KeyId}");

    /// <summary>A key revoked because someone reported its secret as leaked: to its owner and the organization's owners and admins.</summary>
    public static OutboxMessage KeyLeakReported(string to, KeyNotice key, string reportedFrom, int descendants, DateTimeOffset now) => Mail.Compose("api_key.leak_reported", to,
        $"API key \"{key.Name}\" was reported as leaked and revoked",
        [$"Someone sent the secret of the API key \"{key.Name}\" ({key.Prefix}…) in {key.OrganizationName} to Questra's leaked-key report, from {reportedFrom}. "
            + "A secret that reaches that report has been seen outside your systems (a public repository, a paste, a log), so the key was revoked at once; requests with it are refused."
            + (descendants > 0 ? $" {descendants} key(s) made from it stopped with it." : ""),
         "Create a new key for the scripts that used it, keep its secret out of code and logs, and check the audit log for use you do not recognise."],
        new MailAction("See your API keys", key.KeysUrl), now);

    /// <summary>An endpoint that failed for a day was switched off: to the organization's owners and admins.</summary>
    public static OutboxMessage WebhookDisabled(string to, string organizationName, string url, DateTimeOffset failingSince, string settingsUrl, DateTimeOffset now) =>
        Mail.Compose("webhook.disabled", to, $"Webhook endpoint disabled in {organizationName}",
        [$"Questra could not deliver events to {url} since {failingSince:yyyy-MM-dd HH:mm} UTC, so the endpoint was disabled. Events are no longer queued for it.",
         "Check that the endpoint answers with a 2xx status within 10 seconds, then enable it again on the Webhooks page (the recent deliveries show each attempt's answer)."],
        new MailAction("Open the Webhooks page", settingsUrl), now);
}

/// <summary>What a key notice says about a key and who acted: never its secret.</summary>
public sealed record KeyNotice(string KeyId, string Name, string Prefix, string Scopes, string Expiry, string OrganizationName, string By, string From, string KeysUrl);

/// <summary>Invitation mail: who invites, to which organization, with which role, and where to answer.</summary>
public static class InvitationMessages
{
    public static OutboxMessage Invite(string to, string organizationName, string role, string inviter, bool hasAccount, string baseUrl,
        DateTimeOffset expiresAt, DateTimeOffset now) => Mail.Compose("invitation", to,
        $"{inviter} invites you to {organizationName} on Questra",
        [$"{inviter} invites you to join {organizationName} on Questra as {role}.",
         hasAccount
             ? "The link below opens the invitation: sign in with this address, then accept or decline."
             : "The link below creates your Questra account with this address; once you have confirmed it, you accept or decline.",
         $"The invitation is open until {expiresAt:yyyy-MM-dd HH:mm} UTC. If you do not know {inviter}, ignore this message."],
        new MailAction($"Join {organizationName}", baseUrl + (hasAccount ? "invitations" : "Account/Register?ReturnUrl=%2Finvitations")), now);
}
