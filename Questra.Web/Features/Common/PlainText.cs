namespace Questra.Web.Features.Common;

/// <summary>
/// Names people give things (keys, organizations) are shown in tables, mail and the audit log, so a name must not be
/// able to disguise itself or what stands next to it: control characters, bidirectional overrides, isolates and
/// marks, zero-width characters and line separators are refused.
/// </summary>
public static class PlainText
{
    /// <summary>The first character that could disguise a name, or null when the name is plain printable text.</summary>
    public static char? FirstDisguising(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++; // a well-formed pair (an emoji, say) is fine
                continue;
            }
            if (char.IsControl(c) || char.IsSurrogate(c) || IsDisguising(c))
            {
                return c;
            }
        }
        return null;
    }

    internal static bool IsDisguising(char c) => c switch
    {
        >= '\u202A' and <= '\u202E' => true, // bidi embeddings and overrides
        >= '\u2066' and <= '\u2069' => true, // bidi isolates
        >= '\u200B' and <= '\u200F' => true, // zero-width space, non-joiner, joiner; left-to-right and right-to-left marks
        '\u061C' => true,                    // Arabic letter mark
        '\u2060' or '\uFEFF' => true,        // word joiner, zero-width no-break space
        '\u2028' or '\u2029' => true,        // line and paragraph separators
        _ => false,
    };
}
