using OtpNet;

namespace Questra.Web.Features.Mfa;

/// <summary>
/// Authenticator-app codes (RFC 6238 through Otp.NET): HMAC-SHA-1, 30-second steps, 6 digits, what every
/// authenticator app uses. Keys are written in base32, the way apps show and scan them.
/// </summary>
public static class AuthenticatorCodes
{
    public const int StepSeconds = 30;
    public const int Digits = 6;

    /// <summary>Codes from one step before to one step after now are accepted: a phone's clock may be off by up to 30 s.</summary>
    private static readonly VerificationWindow Drift = new(previous: 1, future: 1);

    public static long TimeStep(DateTimeOffset at) => at.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The time step whose code <paramref name="code"/> is, within ±1 step of <paramref name="now"/>; null when none.</summary>
    public static long? MatchStep(byte[] key, string code, DateTimeOffset now) =>
        Totp(key).VerifyTotp(now.UtcDateTime, code, out var step, Drift) ? step : null;

    /// <summary>The code an app shows at <paramref name="at"/> (tests and the benchmark sign in with it).</summary>
    public static string Compute(byte[] key, DateTimeOffset at) => Totp(key).ComputeTotp(at.UtcDateTime);

    /// <summary>A base32 key as typed or shown (any case, spaces and dashes allowed); null when it is not base32.</summary>
    public static byte[]? DecodeKey(string? text)
    {
        var compact = new string((text ?? "").Where(c => c is not (' ' or '-')).ToArray()).TrimEnd('=').ToUpperInvariant();
        if (compact.Length == 0 || compact.Any(c => c is not ((>= 'A' and <= 'Z') or (>= '2' and <= '7'))))
        {
            return null;
        }
        return Base32Encoding.ToBytes(compact);
    }

    private static Totp Totp(byte[] key) => new(key, StepSeconds, OtpHashMode.Sha1, Digits);
}
