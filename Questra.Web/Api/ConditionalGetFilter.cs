using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Api;

/// <summary>
/// How a read's answer is sent: as JSON, or as CSV when the client asks for it (<see cref="CsvAnswers"/>). And cheap
/// polling: a 200 answer carries an <c>ETag</c> made from its body (so it changes whenever the data
/// does, and only then), and a request whose <c>If-None-Match</c> names it is answered <c>304 Not Modified</c>
/// without the body. A 304 is given back to the key's rate limit: polling an unchanged resource costs no quota.
/// </summary>
public sealed class ConditionalGetFilter(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, KeyRateLimiter rateLimiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var answer = result is INestedHttpResult nested ? nested.Result : result; // Results<Ok<T>, …> holds the one it chose
        if (answer is not (IValueHttpResult { Value: { } value } and IStatusCodeHttpResult { StatusCode: 200 })) return result;
        var http = context.HttpContext;
        http.Response.Headers.Vary = "Accept";
        var csv = CsvAnswers.Wanted(http.Request) ? CsvAnswers.Of(value, http.Response) : null;
        var body = csv ?? JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), json.Value.SerializerOptions);
        // A cursor is sealed afresh on every answer (it differs each time): the tag is made from the data without it.
        var tagged = value is ICursorPage page ? JsonSerializer.SerializeToUtf8Bytes(page.WithoutCursor, value.GetType(), json.Value.SerializerOptions) : null;
        var hash = SHA256.HashData(tagged ?? body);
        if (csv is not null) hash[0] ^= 0x5a; // the CSV form is another representation: another tag
        return NotModified(http, Tag(hash), rateLimiter)
            ?? TypedResults.Bytes(body, csv is null ? "application/json; charset=utf-8" : "text/csv; charset=utf-8; header=present");
    }

    /// <summary>An entity tag made from a hash (its first 18 bytes, base64url, quoted).</summary>
    public static string Tag(byte[] hash) => "\"" + Convert.ToBase64String(hash, 0, 18).Replace('+', '-').Replace('/', '_') + "\"";

    /// <summary>
    /// Puts <paramref name="tag"/> on the answer; when the request's <c>If-None-Match</c> names it, gives the request
    /// back to the key's rate limit and returns the 304 to answer with (null: answer in full).
    /// </summary>
    public static IResult? NotModified(HttpContext http, string tag, KeyRateLimiter rateLimiter)
    {
        http.Response.Headers.ETag = tag;
        if (!Matches(http.Request.Headers.IfNoneMatch, tag)) return null;
        if (http.Features.Get<TakenRequest>() is { } taken)
        {
            var remaining = rateLimiter.GiveBack(taken);
            http.Response.Headers["RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        }
        return TypedResults.StatusCode(StatusCodes.Status304NotModified);
    }

    // If-None-Match compares weakly: W/"x" matches "x". "*" is not honoured here: only a client that holds the
    // current tag is spared the body (and the quota), so "*" cannot turn every read into a free one.
    private static bool Matches(Microsoft.Extensions.Primitives.StringValues header, string tag)
    {
        if (header.Count == 0 || !EntityTagHeaderValue.TryParseList(header, out var tags)) return false;
        return tags.Any(t => !t.Equals(EntityTagHeaderValue.Any) && t.Tag.Equals(tag, StringComparison.Ordinal));
    }
}

public static class ConditionalGetExtensions
{
    /// <summary>ETag on the answer and 304 for an <c>If-None-Match</c> that names it (<see cref="ConditionalGetFilter"/>).</summary>
    public static RouteHandlerBuilder Conditional(this RouteHandlerBuilder route) =>
        route.AddEndpointFilter<ConditionalGetFilter>().Produces(StatusCodes.Status304NotModified);
}
