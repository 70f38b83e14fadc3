using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Questra.Web.Api;

/// <summary>
/// Where a list stopped, as the client holds it: opaque (encrypted and authenticated by the app's Data Protection
/// keys, which every instance shares), bound to the list, the organization and the filter it was made for, so it
/// cannot be edited, moved to another list or organization, or mixed with another filter. It carries a position,
/// never what the key may see: visibility is applied afresh on every page.
/// </summary>
public sealed class ListCursors(IDataProtectionProvider protection)
{
    private readonly IDataProtector protector = protection.CreateProtector("Questra.Api.ListCursor.v1");

    public const string Invalid = "The cursor is not valid here: pass next_cursor exactly as a previous page of this list gave it, with the same filters.";

    /// <summary>A cursor; <paramref name="until"/>: where a list of changes ends for the run under way (its pages all stop there).</summary>
    public string Encode(string list, string organizationId, string filter, KeysetPosition position, DateTimeOffset? until = null) =>
        Base64Url(protector.Protect(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', list, organizationId, filter,
            position.At.UtcTicks.ToString(CultureInfo.InvariantCulture), position.Id ?? "",
            until?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? ""))));

    /// <summary>
    /// What a cursor holds — the list it was made for, its filter, its position — or null when this app did not make
    /// it for this organization (edited, truncated, from another deployment or organization).
    /// </summary>
    public (string List, string Filter, KeysetPosition Position, DateTimeOffset? Until)? Decode(string cursor, string organizationId)
    {
        if (cursor.Length is 0 or > 1024) return null;
        try
        {
            var parts = System.Text.Encoding.UTF8.GetString(protector.Unprotect(FromBase64Url(cursor))).Split('\n');
            if (parts.Length != 6 || parts[1] != organizationId) return null;
            if (!long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)) return null;
            DateTimeOffset? until = null;
            if (parts[5].Length > 0)
            {
                if (!long.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var untilTicks)) return null;
                until = new DateTimeOffset(untilTicks, TimeSpan.Zero);
            }
            return (parts[0], parts[2], new KeysetPosition(new DateTimeOffset(ticks, TimeSpan.Zero), parts[4].Length == 0 ? null : parts[4]), until);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }
}

/// <summary>One page of a list read by cursor: <c>next_cursor</c> continues after the last item (null at the end of a newest-first list).</summary>
public sealed record CursorPage<T>(IReadOnlyList<T> Data, string? NextCursor, bool HasMore) : ICursorPage
{
    object ICursorPage.WithoutCursor => this with { NextCursor = null };
}

/// <summary>A page whose data, without its (freshly sealed) cursor, makes its ETag.</summary>
public interface ICursorPage
{
    object WithoutCursor { get; }
}
