using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Questra.Web.Api;

/// <summary>problem+json answers, query and body parsing that turn bad input into a clear 4xx.</summary>
public static partial class ApiResults
{
    public const int MaxPageSize = 100;

    public static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(statusCode: 400, title: "Bad Request", detail: detail);
    public static ProblemHttpResult Forbidden(string detail) => TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: detail);
    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(statusCode: 404, title: "Not Found", detail: detail);

    /// <summary>429 with the <c>type</c> the other problems carry (ASP.NET Core names none for this status).</summary>
    public static ProblemHttpResult TooManyRequests(string detail) =>
        TypedResults.Problem(statusCode: 429, title: "Too Many Requests", detail: detail, type: "https://tools.ietf.org/html/rfc6585#section-4");

    /// <summary>A problem with per-field errors (<c>errors: { field: [messages] }</c>).</summary>
    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors, string detail, int status) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = status, Title = "Invalid input", Detail = detail });

    public static ProblemHttpResult FieldError(string field, string message, int status = 400) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] }, message, status);

    public static ProblemHttpResult From(ServiceError error) => error.Kind switch
    {
        ErrorKind.Validation => Invalid(new Dictionary<string, string[]>(error.FieldErrors ?? new Dictionary<string, string[]>()), error.Message, 422),
        ErrorKind.Forbidden or ErrorKind.NotAMember => Forbidden(error.Message),
        ErrorKind.NotFound => NotFound(error.Message),
        ErrorKind.Conflict => TypedResults.Problem(statusCode: 409, title: "Conflict", detail: error.Message),
        _ => throw new ArgumentOutOfRangeException(nameof(error)),
    };

    /// <summary>Reads <c>page</c> and <c>page_size</c>; anything but a whole number in range is a 400 naming the field.</summary>
    public static bool TryReadPaging(HttpRequest request, out int page, out int pageSize, out ProblemHttpResult? error)
    {
        page = 1;
        pageSize = 20;
        error = null;
        if (!TryReadInt(request, "page", 1, 1_000_000, ref page, out error)) return false;
        return TryReadInt(request, "page_size", 1, MaxPageSize, ref pageSize, out error);
    }

    /// <summary>
    /// An optional RFC 3339 instant (<c>2026-12-01T08:00:00Z</c>, or with an offset) from the query; null when absent.
    /// A date without a time or a zone is refused rather than guessed.
    /// </summary>
    public static bool TryReadInstant(HttpRequest request, string name, out DateTimeOffset? value, out ProblemHttpResult? error)
    {
        value = null;
        error = null;
        var raw = request.Query[name];
        if (raw.Count == 0) return true;
        if (raw.Count > 1 || raw[0] is not { Length: >= 20 and <= 40 } text || !Rfc3339.IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            error = FieldError(name, $"'{name}' must be one RFC 3339 time with a zone, e.g. 2026-12-01T08:00:00Z.");
            return false;
        }
        value = parsed.ToUniversalTime();
        return true;
    }

    /// <summary>An optional calendar date (<c>2026-12-01</c>) from the query; null when absent.</summary>
    public static bool TryReadDate(HttpRequest request, string name, out DateOnly? value, out ProblemHttpResult? error)
    {
        value = null;
        error = null;
        var raw = request.Query[name];
        if (raw.Count == 0) return true;
        if (raw.Count > 1 || !DateOnly.TryParseExact(raw[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            error = FieldError(name, $"'{name}' must be one date written yyyy-MM-dd (UTC), e.g. 2026-12-01.");
            return false;
        }
        value = parsed;
        return true;
    }

    private static readonly System.Text.RegularExpressions.Regex Rfc3339 = new(
        @"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,7})?([Zz]|[+-]\d{2}:\d{2})$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    internal static bool TryReadInt(HttpRequest request, string name, int min, int max, ref int value, out ProblemHttpResult? error)
    {
        error = null;
        var raw = request.Query[name];
        if (raw.Count == 0) return true;
        if (raw.Count > 1 || !int.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            error = FieldError(name, $"'{name}' must be a whole number from {min} to {max}.");
            return false;
        }
        value = parsed;
        return true;
    }

    /// <summary>
    /// Reads a JSON body strictly (unknown properties and wrong types are refused). An absent body is a 400, or
    /// neither value nor error when it is <paramref name="optional"/>.
    /// </summary>
    public static async Task<(T? Value, ProblemHttpResult? Error)> ReadJsonAsync<T>(HttpRequest request, JsonSerializerOptions options, bool optional = false) where T : class
    {
        // No body: a zero length, or none the server can see (HTTP/1.1 without length or chunking; HTTP/2 and 3 say so
        // themselves, and may send a body without Content-Length).
        if (request.ContentLength is 0
            || (request.ContentLength is null
                && !(request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody
                    ?? request.Headers.ContainsKey("Transfer-Encoding"))))
        {
            return optional ? (null, null) : (null, BadRequest("A JSON request body is required."));
        }
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(statusCode: 415, title: "Unsupported Media Type", detail: "Send the body as JSON with 'Content-Type: application/json'."));
        }
        ReadOnlyMemory<byte>? body;
        try
        {
            body = await ReadLimitedAsync(request);
        }
        catch (SlowBodyException)
        {
            return (null, TypedResults.Problem(statusCode: 408, title: "Request Timeout",
                detail: "The request body arrived too slowly; send it at once and try again."));
        }
        if (body is null)
        {
            return (null, TypedResults.Problem(statusCode: 413, title: "Payload Too Large",
                detail: $"The request body is larger than {QuestraApi.MaxBodyBytes / 1024} KB."));
        }
        try
        {
            var value = JsonSerializer.Deserialize<T>(body.Value.Span, options);
            return value is null ? (null, BadRequest("The JSON body must be an object, not null.")) : (value, null);
        }
        catch (JsonException ex)
        {
            var at = ex.Path is { Length: > 0 and <= 100 } path ? $" at '{path}'" : "";
            return (null, BadRequest($"The request body is not valid for this endpoint{at}: it must be well-formed JSON with only the documented properties, each of the documented type."));
        }
    }

    // Reads at most MaxBodyBytes, whatever Content-Length claims or the server enforces; null when there is more.
    private static async Task<ReadOnlyMemory<byte>?> ReadLimitedAsync(HttpRequest request)
    {
        if (request.ContentLength > QuestraApi.MaxBodyBytes) return null;
        var buffer = new byte[(int)Math.Min(QuestraApi.MaxBodyBytes, request.ContentLength ?? QuestraApi.MaxBodyBytes) + 1];
        var total = 0;
        try
        {
            int read;
            while (total < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(total), request.HttpContext.RequestAborted)) > 0)
            {
                total += read;
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            throw new SlowBodyException(ex); // answered 408 by ReadJsonAsync, not a 500 with a stack
        }
        return total == buffer.Length && total > (request.ContentLength ?? QuestraApi.MaxBodyBytes) ? null : buffer.AsMemory(0, total);
    }

    /// <summary>An ISO 8601 timestamp with a zone (<c>Z</c> or <c>±hh:mm</c>); a local time without one is ambiguous and refused.</summary>
    public static bool TryParseTimestamp(string value, out DateTimeOffset result)
    {
        result = default;
        return IsoWithZone().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out result);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoWithZone();
}

/// <summary>The client sent its body slower than Kestrel's minimum data rate.</summary>
internal sealed class SlowBodyException(Exception inner) : Exception("The request body arrived too slowly.", inner);
