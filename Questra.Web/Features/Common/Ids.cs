using System.Security.Cryptography;

namespace Questra.Web.Features.Common;

/// <summary>Random, prefixed, base62 identifiers (<c>org_…</c>, <c>ak_…</c>, <c>sv_…</c>).</summary>
public static class Ids
{
    public const string Base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The column width of every stored id (a prefix and up to 64 base62 characters fit).</summary>
    public const int MaxLength = 80;

    public static string New(string prefix, int length = 16) => prefix + RandomBase62(length);

    /// <summary>CSPRNG base62 string; GetString samples uniformly, so no modulo bias.</summary>
    public static string RandomBase62(int length) => RandomNumberGenerator.GetString(Base62Alphabet, length);

    public static bool IsBase62(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c)) return false;
        }
        return true;
    }

    /// <summary>True when <paramref name="id"/> is <paramref name="prefix"/> followed by 1–64 base62 characters.</summary>
    public static bool HasShape(string? id, string prefix) =>
        id is not null
        && id.Length > prefix.Length
        && id.Length <= prefix.Length + 64
        && id.StartsWith(prefix, StringComparison.Ordinal)
        && IsBase62(id.AsSpan(prefix.Length));
}
