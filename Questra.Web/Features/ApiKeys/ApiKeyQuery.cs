namespace Questra.Web.Features.ApiKeys;

/// <summary>A page of the key list: a search by name or prefix, and whether only keys that still work are shown.</summary>
public sealed record ApiKeyQuery(string? Search = null, int Page = 1, int PageSize = 20, bool ActiveOnly = false);
