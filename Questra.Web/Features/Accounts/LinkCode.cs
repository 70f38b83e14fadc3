using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Questra.Web.Features.Accounts;

/// <summary>
/// The code in a mailed link (confirm the account, reset the password, confirm a new email): Identity's token,
/// base64url-encoded so it survives a URL. Anything else in its place is a broken or tampered link, answered with
/// <see cref="Invalid"/> — never an exception.
/// </summary>
public static class LinkCode
{
    public const string Invalid = "This link is invalid or has expired. Ask for a new one.";

    public static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    /// <summary>The token, or null when <paramref name="code"/> is missing or not a code at all.</summary>
    public static string? Decode(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 4096) return null;
        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
