using System.Security.Cryptography;
using System.Text;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// The secret's format: <c>sk_live_</c> + 40 CSPRNG base62 characters + a 6-character base62 CRC32 of
/// everything before it. The checksum lets the server (and secret scanners) reject a mistyped or
/// made-up key without a database hit; it is not a security boundary — the 238 random bits are.
/// </summary>
public static class ApiKeySecret
{
    public const string Prefix = "sk_live_";
    public const int RandomLength = 40;
    public const int ChecksumLength = 6;
    public const int Length = 54; // Prefix.Length + RandomLength + ChecksumLength

    /// <summary>How many characters of the secret the dashboard may show: the prefix and four random ones.</summary>
    public const int DisplayPrefixLength = 12;

    /// <summary>Bytes of a secret's SHA-256, the only form in which a secret is stored.</summary>
    public const int HashLength = 32;

    public static string Generate()
    {
        var body = Prefix + Ids.RandomBase62(RandomLength);
        return body + Checksum(body);
    }

    public static string DisplayPrefix(string secret) => secret[..DisplayPrefixLength];

    /// <summary>Shape and checksum only; says nothing about whether the key exists.</summary>
    public static SecretFormat CheckFormat(ReadOnlySpan<char> secret)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal)) return SecretFormat.WrongPrefix;
        if (secret.Length != Length || !Ids.IsBase62(secret[Prefix.Length..])) return SecretFormat.Malformed;
        Span<char> expected = stackalloc char[ChecksumLength];
        WriteChecksum(secret[..^ChecksumLength], expected);
        return expected.SequenceEqual(secret[^ChecksumLength..]) ? SecretFormat.Valid : SecretFormat.BadChecksum;
    }

    /// <summary>SHA-256 of the secret's UTF-8 bytes: what the database stores and looks keys up by.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static string Checksum(ReadOnlySpan<char> body)
    {
        Span<char> chars = stackalloc char[ChecksumLength];
        WriteChecksum(body, chars);
        return new string(chars);
    }

    private static void WriteChecksum(ReadOnlySpan<char> body, Span<char> destination)
    {
        var value = Crc32.Compute(body);
        for (var i = ChecksumLength - 1; i >= 0; i--)
        {
            destination[i] = Ids.Base62Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }
}

public enum SecretFormat { Valid, WrongPrefix, Malformed, BadChecksum }

/// <summary>CRC-32 (IEEE 802.3, reflected 0xEDB88320), over ASCII characters. System.IO.Hashing is not on our feed.</summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<char> ascii)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var c in ascii)
        {
            crc = Table[(crc ^ (byte)c) & 0xFF] ^ (crc >> 8);
        }
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
