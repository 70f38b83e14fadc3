using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Questra.Web.Features.Webhooks;

/// <summary>
/// Signing secrets and signatures the Standard Webhooks way: a secret is <c>whsec_</c> + base64 of 32 random bytes;
/// a signature is <c>v1,</c> + base64 HMAC-SHA256, keyed with those bytes, over <c>{webhook-id}.{webhook-timestamp}.{body}</c>.
/// Secrets are stored only protected by the app's Data Protection keys (kept in the database, shared by every instance).
/// </summary>
public sealed class WebhookSigning(IDataProtectionProvider protection)
{
    public const string SecretPrefix = "whsec_";
    private readonly IDataProtector protector = protection.CreateProtector("Questra.Webhooks.SigningSecret.v1");

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Protect(string secret) => protector.Protect(secret);

    public string Unprotect(string stored) => protector.Unprotect(stored);

    /// <summary>The <c>webhook-signature</c> value: one <c>v1,…</c> per secret, separated by spaces (two while a rolled secret overlaps).</summary>
    public static string Sign(IEnumerable<string> secrets, string messageId, long timestamp, string body)
    {
        var content = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}");
        return string.Join(' ', secrets.Select(s => "v1," + Convert.ToBase64String(HMACSHA256.HashData(KeyBytes(s), content))));
    }

    private static byte[] KeyBytes(string secret) =>
        Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
}
