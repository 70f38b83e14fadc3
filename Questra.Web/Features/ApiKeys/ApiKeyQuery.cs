namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// A page of the key list: a search by name or prefix, whether only keys that still work are shown, and hygiene
/// flags a key must all have (only working keys have any).
/// </summary>
public sealed record ApiKeyQuery(string? Search = null, int Page = 1, int PageSize = 20, bool ActiveOnly = false, IReadOnlyList<KeyRisk>? Flags = null)
{
    /// <summary>
    /// Read by cursor: the keys after <see cref="After"/> (from the start when null), <see cref="PageSize"/> of them
    /// and one more to tell whether more follow; no total is counted.
    /// </summary>
    public bool ByCursor { get; init; }

    public KeysetPosition? After { get; init; }
}
