namespace Questra.Web.Features.Accounts;

/// <summary><c>Accounts</c>: sign-up settings.</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    /// <summary>
    /// Also show the "confirm your account" link on the page after registering (Development). Never in production,
    /// where it would let anyone confirm any address.
    /// </summary>
    public bool ShowConfirmationLink { get; set; }
}
