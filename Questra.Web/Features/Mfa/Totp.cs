using System.Security.Cryptography;

namespace Questra.Web.Features.Mfa;

/// <summary>RFC 6238 time-based one-time passwords: HMAC-SHA-1, 30-second steps, 6 digits (what authenticator apps use).</summary>
public static class Totp
{
    public const int StepSeconds = 30;
    public const int Digits = 6;

    public static long TimeStep(DateTimeOffset at) => at.ToUnixTimeSeconds() / StepSeconds;

    public static string Compute(ReadOnlySpan<byte> key, long timeStep, int digits = Digits, HashAlgorithmName? algorithm = null)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, timeStep);
        Span<byte> hash = stackalloc byte[64];
        var name = algorithm ?? HashAlgorithmName.SHA1;
        var length = name == HashAlgorithmName.SHA512 ? HMACSHA512.HashData(key, counter, hash)
            : name == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, counter, hash)
            : HMACSHA1.HashData(key, counter, hash);
        // RFC 4226 dynamic truncation.
        var offset = hash[length - 1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        var modulo = (int)Math.Pow(10, digits);
        return (binary % modulo).ToString($"D{digits}", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>RFC 4648 base32 (the alphabet authenticator keys are written in); spaces, dashes and case are ignored.</summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static byte[]? TryDecode(string text)
    {
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var raw in text)
        {
            if (raw is ' ' or '-' or '=') continue;
            var index = Alphabet.IndexOf(char.ToUpperInvariant(raw));
            if (index < 0) return null;
            buffer = (buffer << 5) | index;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return output.ToArray();
    }
}
