using Microsoft.AspNetCore.Http.HttpResults;

namespace Questra.Web.Api;

/// <summary>
/// <c>page</c> and <c>page_size</c> of a list, bound as a handler parameter. A bad value does not reach the handler:
/// <see cref="PagingFilter"/> answers 400 naming the field.
/// </summary>
public sealed record Paging(int Page, int PageSize)
{
    internal ProblemHttpResult? Error { get; private init; }

    public static ValueTask<Paging?> BindAsync(HttpContext http) =>
        ValueTask.FromResult<Paging?>(ApiResults.TryReadPaging(http.Request, out var page, out var pageSize, out var error)
            ? new Paging(page, pageSize)
            : new Paging(1, 1) { Error = error });
}

/// <summary>Refuses a list request whose <see cref="Paging"/> did not bind, before its handler runs.</summary>
public sealed class PagingFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is Paging { Error: { } error }) return error;
        }
        return await next(context);
    }
}
