namespace Questra.Web.Features.ApiKeys;

public sealed record ApiKeyQuery(string? Search = null, int Page = 1, int PageSize = 20);
