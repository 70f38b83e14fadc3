using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Questra.Web.Data;

namespace Questra.Web.Components.Respond;

/// <summary>
/// The public form's antiforgery: a signed double submit. Opening the form gives the browser a random nonce in a
/// cookie (HttpOnly, SameSite=Lax; <c>__Host-</c> and Secure where HTTPS is required, so no other site or
/// subdomain can plant one) and puts into the form an HMAC of that nonce and the survey's link, under a key every
/// instance shares (<see cref="ServerSecrets"/>). A post is taken only with both, matching: a page on another site
/// can neither read the cookie nor make the HMAC. It costs one HMAC per post — the framework's antiforgery costs two
/// Data Protection decryptions — which is what the public form, open to every respondent, is measured on.
/// </summary>
public sealed class FormTokens(ServerSecrets secrets, IOptions<SecurityOptions> security)
{
    /// <summary>The form field that carries the token.</summary>
    public const string Field = "form_token";

    /// <summary>The cookie, where HTTPS is required (a <c>__Host-</c> cookie must be Secure, host-only, for every path).</summary>
    public const string SecureCookie = "__Host-questra-form";

    /// <summary>The cookie on a plain-HTTP development setup, where a Secure cookie would be dropped.</summary>
    public const string PlainCookie = "questra-form";

    private const string KeyName = "public-form-token";
    private const int NonceBytes = 16;

    private bool Secure => security.Value.RequireHttps;
    private string CookieName => Secure ? SecureCookie : PlainCookie;

    /// <summary>The token for the form of <paramref name="publicId"/>, giving the browser its nonce cookie if it has none.</summary>
    public async Task<string> IssueAsync(HttpContext context, string publicId)
    {
        var nonce = NonceOf(context);
        if (nonce is null)
        {
            nonce = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(NonceBytes));
            context.Response.Cookies.Append(CookieName, nonce, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax, // never sent with another site's post; sent when a link in a mail opens the form, so that does not replace it
                Secure = Secure || context.Request.IsHttps,
                Path = "/",
                IsEssential = true,
            });
        }
        return Sign(await secrets.GetAsync(KeyName), publicId, nonce);
    }

    /// <summary>Whether the post carries the token its own cookie's nonce was signed into, for this form.</summary>
    public async Task<bool> IsValidAsync(HttpContext context, string publicId, string? token)
    {
        if (token is not { Length: > 0 and <= 64 } || NonceOf(context) is not { } nonce) return false;
        if (Matches(await secrets.GetAsync(KeyName), publicId, nonce, token)) return true;
        // Made by another instance after the shared key was replaced there? (Read again at most every few seconds.)
        return await secrets.ReplacedAsync(KeyName) is { } current && Matches(current, publicId, nonce, token);
    }

    private static bool Matches(byte[] key, string publicId, string nonce, string token)
    {
        var expected = Sign(key, publicId, nonce);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(token));
    }

    // A nonce this app made: 22 base64url characters; anything else is treated as no cookie.
    private string? NonceOf(HttpContext context) =>
        context.Request.Cookies[CookieName] is { Length: 22 } value && value.All(IsBase64Url) ? value : null;

    private static bool IsBase64Url(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private static string Sign(byte[] key, string publicId, string nonce) =>
        WebEncoders.Base64UrlEncode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"questra-form-v1\n{publicId}\n{nonce}")));
}
