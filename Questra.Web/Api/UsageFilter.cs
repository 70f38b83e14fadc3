using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Api;

/// <summary>
/// Counts each request of a recognised key per route, day and status class (answered, 4xx, 5xx), refusals included
/// (a missing <c>X-Org-Id</c>, a lacking scope, the rate limit, not found), and remembers the recent failures with
/// the reason the answer gave. The first filter of the API, so it sees every answer the others give.
/// </summary>
public sealed partial class UsageFilter(UsageRecorder usage) : IEndpointFilter
{
    // Each route's three labels, made once rather than per request. Keyed by endpoint, of which there are a fixed
    // few; an endpoint that takes any method (the fallback) is labelled per request.
    private static readonly ConcurrentDictionary<(Endpoint Endpoint, int Class), string> Labels = new();

    public const string ServerFailureReason = "The server failed while answering (an internal error, logged for the operator).";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Features.GetRequiredFeature<AuthenticatedKey>();
        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            // Answered by the error handling further out: 503 for an unreachable database, 500 for anything else.
            if (DatabaseOutage.IsCause(ex)) Count(http, key, 503, DatabaseOutage.ApiDetail);
            else Count(http, key, 500, ServerFailureReason);
            throw;
        }
        var status = StatusOf(result) ?? 200;
        Count(http, key, status, status >= 400 ? ReasonOf(result) : null);
        return result;
    }

    private void Count(HttpContext http, AuthenticatedKey key, int status, string? reason)
    {
        var label = Label(http, status / 100);
        // A request refused for its address (perhaps a leaked key tried from elsewhere) does not make the key "used".
        usage.Record(key, label, used: http.Features.Get<AddressRefused>() is null);
        if (reason is not null) usage.RecordFailure(key, label, status, reason);
    }

    private static string Label(HttpContext http, int statusClass)
    {
        var endpoint = http.GetEndpoint();
        var error = statusClass >= 4 ? statusClass * 100 : (int?)null;
        if (endpoint?.Metadata.GetMetadata<HttpMethodMetadata>() is not { HttpMethods: [var method] })
        {
            return MakeLabel(endpoint, http.Request.Method, error);
        }
        return Labels.GetOrAdd((endpoint, error ?? 0), static (key, method) => MakeLabel(key.Endpoint, method, key.Class == 0 ? null : key.Class), method);
    }

    private static string MakeLabel(Endpoint? endpoint, string method, int? status) =>
        UsageRecorder.EndpointLabel(method, RouteOf(endpoint), status);

    // The route's pattern; the fallback's catch-all ("{*path:nonfile}") reads as "/api/*".
    private static string RouteOf(Endpoint? endpoint) => (endpoint as RouteEndpoint)?.RoutePattern switch
    {
        { RawText: { } raw } pattern when pattern.Parameters.Any(p => p.IsCatchAll) && raw.Contains("{*", StringComparison.Ordinal) =>
            raw[..raw.IndexOf("{*", StringComparison.Ordinal)] + "*",
        { RawText: { } raw } => raw.TrimEnd('/'),
        _ => "?",
    };

    // The status a handler's typed result will answer with (a union of results carries the chosen one inside).
    private static int? StatusOf(object? result) => result switch
    {
        INestedHttpResult nested => StatusOf(nested.Result),
        IStatusCodeHttpResult status => status.StatusCode,
        _ => null,
    };

    // What the problem body told the caller: its detail, else its title. The API's own words, never the request's:
    // a body's JSON path (" at '$.name'"), which names what the caller sent, is left out.
    private static string ReasonOf(object? result) => result switch
    {
        INestedHttpResult nested => ReasonOf(nested.Result),
        IValueHttpResult { Value: ProblemDetails problem } => BodyPath().Replace(problem.Detail ?? problem.Title ?? "Refused.", ""),
        _ => "Refused.",
    };

    [System.Text.RegularExpressions.GeneratedRegex(" at '[^']*'")]
    private static partial System.Text.RegularExpressions.Regex BodyPath();
}
