namespace Questra.Web.Features.Email;

/// <summary>A change to how an account signs in, as its notice names it (<see cref="Messages.AccountChanged"/>).</summary>
public sealed record AccountChange(string Kind, string What, string More = "")
{
    public static readonly AccountChange PasswordChanged = new("password", "the password was changed");
    public static readonly AccountChange PasswordReset = new("password_reset", "the password was reset from an emailed link");
    public static readonly AccountChange TwoFactorOn = new("2fa_on", "two-factor authentication was turned on");
    public static readonly AccountChange TwoFactorOff = new("2fa_off", "two-factor authentication was turned off",
        " Signing in now needs only the password.");
    public static readonly AccountChange AuthenticatorReset = new("2fa_reset", "the authenticator app was reset",
        " Two-factor authentication is off until an app is enrolled again.");

    /// <summary>Sent to the old address, naming the new one.</summary>
    public static AccountChange EmailChanged(string newEmail) => new("email", "the email address was changed",
        $" Mail for the account now goes to {newEmail}; this address no longer signs in.");
}
