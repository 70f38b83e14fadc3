using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Features;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Api;

/// <summary>Counts each answered request for its key, per route and day (errors apart); the counts are flushed in batches.</summary>
public sealed class UsageFilter(UsageRecorder usage) : IEndpointFilter
{
    // Each route's two labels (answered, error), made once rather than per request. Keyed by endpoint, of which
    // there are a fixed few; an endpoint that takes any method (the fallback) is labelled per request.
    private static readonly ConcurrentDictionary<(Endpoint Endpoint, bool Error), string> Labels = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        usage.Record(http.Features.GetRequiredFeature<AuthenticatedKey>(), Label(http, StatusOf(result) >= 400));
        return result;
    }

    private static string Label(HttpContext http, bool error)
    {
        var endpoint = http.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<HttpMethodMetadata>() is not { HttpMethods: [var method] })
        {
            return MakeLabel(endpoint, http.Request.Method, error);
        }
        return Labels.GetOrAdd((endpoint, error), static (key, method) => MakeLabel(key.Endpoint, method, key.Error), method);
    }

    private static string MakeLabel(Endpoint? endpoint, string method, bool error) =>
        UsageRecorder.EndpointLabel(method, (endpoint as RouteEndpoint)?.RoutePattern.RawText?.TrimEnd('/') ?? "?", error ? 400 : null);

    // The status a handler's typed result will answer with (a union of results carries the chosen one inside).
    private static int? StatusOf(object? result) => result switch
    {
        INestedHttpResult nested => StatusOf(nested.Result),
        IStatusCodeHttpResult status => status.StatusCode,
        _ => null,
    };
}
