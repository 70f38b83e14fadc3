using Microsoft.AspNetCore.Http.Features;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Api;

/// <summary>Counts each answered request for its key, per route and day (errors apart); the counts are flushed in batches.</summary>
public sealed class UsageFilter(UsageRecorder usage) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText?.TrimEnd('/') ?? "?";
        usage.Record(http.Features.GetRequiredFeature<AuthenticatedKey>(), UsageRecorder.EndpointLabel(http.Request.Method, route, StatusOf(result)));
        return result;
    }

    // The status a handler's typed result will answer with (a union of results carries the chosen one inside).
    private static int? StatusOf(object? result) => result switch
    {
        INestedHttpResult nested => StatusOf(nested.Result),
        IStatusCodeHttpResult status => status.StatusCode,
        _ => null,
    };
}
