namespace Questra.Web.Features.Accounts;

/// <summary>
/// Decides every redirect after sign-in or an account action: only a path of this app passes; anything else —
/// another host, a protocol-relative <c>//host</c>, <c>/\host</c> (browsers read a backslash as a slash), control
/// characters, or any of these percent-encoded — goes to <c>/</c>. Never throws, whatever it is given.
/// </summary>
public static class LocalRedirect
{
    public const string Fallback = "/";

    /// <summary>
    /// An app path to redirect to. <paramref name="target"/> may be an app path (<c>/settings</c>), a path relative to
    /// the app's root (<c>Account/Lockout</c>), or an absolute URL that starts with <paramref name="baseUri"/>.
    /// </summary>
    public static string ToLocalPath(string? target, string baseUri)
    {
        if (string.IsNullOrEmpty(target) || target.Length > 4096)
        {
            return Fallback;
        }
        string path;
        if (target.StartsWith(baseUri, StringComparison.OrdinalIgnoreCase))
        {
            path = "/" + target[baseUri.Length..]; // our own absolute URL: keep its path, and check that as any other
        }
        else if (target[0] == '/')
        {
            path = target;
        }
        else if (IsRootRelative(target))
        {
            path = "/" + target;
        }
        else
        {
            return Fallback;
        }
        // Raw white space has no place in a URL (a legitimate one is %20); decoded, only the dangerous shapes count.
        return !path.Any(char.IsWhiteSpace) && IsLocalPath(path) && IsLocalPath(Decoded(path)) ? path : Fallback;
    }

    // "Account/Lockout": letters first, no scheme (a colon before any slash would make it "javascript:…" or "http:…").
    private static bool IsRootRelative(string target)
    {
        var colon = target.IndexOf(':');
        var slash = target.IndexOfAny(['/', '?', '#']);
        return char.IsAsciiLetterOrDigit(target[0]) && (colon < 0 || (slash >= 0 && slash < colon));
    }

    private static bool IsLocalPath(string path)
    {
        if (path.Length == 0 || path[0] != '/') return false;
        if (path.Length > 1 && (path[1] == '/' || path[1] == '\\')) return false;
        var end = path.IndexOfAny(['?', '#']);
        var pathPart = end < 0 ? path : path[..end];
        return !pathPart.Contains('\\') && !path.Any(char.IsControl);
    }

    // Percent-decoding, repeated (a double-encoded %252F%252F is //), until nothing changes; bad escapes stay as they are.
    private static string Decoded(string value)
    {
        for (var i = 0; i < 4; i++)
        {
            string next;
            try
            {
                next = Uri.UnescapeDataString(value);
            }
            catch (UriFormatException)
            {
                return value;
            }
            if (next == value) return value;
            value = next;
        }
        return value;
    }
}
