namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// A page of the key list: a search by name or prefix, whether only keys that still work are shown, and hygiene
/// flags a key must all have (only working keys have any).
/// </summary>
public sealed record ApiKeyQuery(string? Search = null, int Page = 1, int PageSize = 20, bool ActiveOnly = false, IReadOnlyList<KeyRisk>? Flags = null);
