namespace Questra.Web.Features.Email;

/// <summary>
/// What the screens say about mail when this installation sends none (<c>Email:Enabled=false</c>): what happens
/// instead, in one place, so no page promises a message that never comes.
/// </summary>
public static class MailOff
{
    public const string NoMail = "This installation does not send email.";

    /// <summary>Accounts are confirmed by the operator; the command, with the address when it is known.</summary>
    public static string ConfirmedByOperator(string? email = null) =>
        $"Its operator confirms new accounts (the command is admin confirm-user {(string.IsNullOrWhiteSpace(email) ? "<your email>" : email)}); sign in once they have.";

    public const string NoPasswordMail =
        "No reset link can be mailed: ask the operator of this installation to help you into your account.";

    /// <summary>What an inviter does instead of a mail: tell the invitee where to accept.</summary>
    public static string ShareInvitation(string invitationsUrl) =>
        $"No email is sent: tell them to sign in (or register) with that address at {invitationsUrl} and accept there.";
}
