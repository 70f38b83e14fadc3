using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Questra.Web.Api;

/// <summary>
/// How a list is read, bound as a handler parameter: by cursor (<c>limit</c> 1–100 and <c>cursor</c>, the current
/// form: each page costs the same however deep) or by page number (<c>page</c>, <c>page_size</c>, the older form,
/// kept for existing scripts and the default when neither is sent). A bad value, or both forms at once, does not
/// reach the handler: <see cref="BindingFilter"/> answers 400 naming the field.
/// </summary>
public sealed record Paging(int Page, int PageSize, int? Limit = null, string? Cursor = null) : IBoundParameter, IEndpointParameterMetadataProvider
{
    public const int DefaultLimit = 20;

    internal ProblemHttpResult? Error { get; private init; }

    ValueTask<ProblemHttpResult?> IBoundParameter.ResolveAsync() => ValueTask.FromResult(Error);

    /// <summary>Marks the endpoint as a paged list: the OpenAPI document then shows the four parameters and their bounds.</summary>
    public static void PopulateMetadata(System.Reflection.ParameterInfo parameter, EndpointBuilder builder) => builder.Metadata.Add(PagedList.Instance);

    /// <summary>Read by cursor: <c>limit</c> or <c>cursor</c> was sent.</summary>
    public bool ByCursor => Limit is not null || Cursor is not null;

    public int Take => Limit ?? DefaultLimit;

    public static ValueTask<Paging?> BindAsync(HttpContext http)
    {
        var query = http.Request.Query;
        if (!ApiResults.TryReadPaging(http.Request, out var page, out var pageSize, out var error)) return Failed(error!);
        var byCursor = query.ContainsKey("limit") || query.ContainsKey("cursor");
        if (!byCursor) return ValueTask.FromResult<Paging?>(new Paging(page, pageSize));
        if (query.ContainsKey("page") || query.ContainsKey("page_size"))
        {
            return Failed(ApiResults.FieldError("cursor", "Use either 'limit' and 'cursor' or the older 'page' and 'page_size', not both."));
        }
        int? limit = null;
        if (query.ContainsKey("limit"))
        {
            var value = DefaultLimit;
            if (!ApiResults.TryReadInt(http.Request, "limit", 1, ApiResults.MaxPageSize, ref value, out error)) return Failed(error!);
            limit = value;
        }
        var cursor = query["cursor"];
        if (cursor.Count > 1 || (cursor.Count == 1 && string.IsNullOrEmpty(cursor[0])))
        {
            return Failed(ApiResults.FieldError("cursor", "Send one 'cursor': the next_cursor of the previous page."));
        }
        return ValueTask.FromResult<Paging?>(new Paging(1, limit ?? DefaultLimit, limit, cursor.Count == 1 ? cursor[0] : null));
    }

    private static ValueTask<Paging?> Failed(ProblemHttpResult error) => ValueTask.FromResult<Paging?>(new Paging(1, 1) { Error = error });
}

/// <summary>Endpoint metadata: the endpoint reads a list through <see cref="Paging"/>.</summary>
public sealed class PagedList
{
    public static readonly PagedList Instance = new();

    private PagedList() { }
}
