using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Api;

/// <summary>
/// The <c>Idempotency-Key</c> header of <c>POST /api/api-keys</c> and <c>/roll</c> (the rule itself is
/// <see cref="ApiKeyService.EarlierRequestAsync"/>): reading it, fingerprinting the request it came with, and the
/// answers to a repeat.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    /// <summary>
    /// The header with the fingerprint of <paramref name="operation"/> on <paramref name="body"/>; null without the
    /// header. Anything but one value of 1–255 visible ASCII characters is a 400.
    /// </summary>
    private static bool TryRead<T>(HttpRequest request, string operation, T body, out IdempotentRequest? idempotent, out ProblemHttpResult? error)
    {
        idempotent = null;
        error = null;
        var values = request.Headers[Header];
        if (values.Count == 0) return true;
        if (values.Count > 1 || values[0] is not { Length: > 0 and <= IdempotentRequest.MaxLength } value || value.Any(c => c is < '!' or > '~'))
        {
            error = ApiResults.FieldError(Header,
                $"{Header} must be one value of 1 to {IdempotentRequest.MaxLength} visible ASCII characters (a UUID is a good choice).");
            return false;
        }
        var canonical = $"{operation}\n{JsonSerializer.Serialize(body, QuestraApi.StrictJson)}";
        idempotent = new IdempotentRequest(value, SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        return true;
    }

    /// <summary>
    /// Reads the header for <paramref name="operation"/> on <paramref name="body"/> and asks the key service whether
    /// the calling key sent it before: the request to remember (null without the header), or the answer to give
    /// instead of carrying it out (a 400 for a malformed header, the 409/422 of <see cref="Replayed"/>).
    /// </summary>
    public static async Task<(IdempotentRequest? Request, ProblemHttpResult? Answer)> CheckAsync<T>(
        HttpRequest request, string operation, T body, ApiCall call, ApiKeyService keys, CancellationToken ct)
    {
        if (!TryRead(request, operation, body, out var idempotent, out var badHeader)) return (null, badHeader);
        if (idempotent is not null && await keys.EarlierRequestAsync(call.OrganizationId, call.Caller, idempotent, ct) is { } earlier)
        {
            return (null, Replayed(earlier, request.HttpContext.Response));
        }
        return (idempotent, null);
    }

    /// <summary>
    /// The answer to a request sent again: 409 naming the key the first one made (its secret cannot be shown twice),
    /// or 422 when the idempotency key came with another request.
    /// </summary>
    private static ProblemHttpResult Replayed(EarlierRequest earlier, HttpResponse response)
    {
        var at = earlier.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        if (!earlier.SameRequest)
        {
            return ApiResults.FieldError(Header,
                $"This {Header} was used at {at} with a different request (another operation, key or body). Use a new {Header} for a new request.", 422);
        }
        var detail = earlier.Key is { } key
            ? $"This request was already carried out at {at}: it made the key {key.Prefix}… (id {key.Id}). Its secret was shown only in that first answer and is stored nowhere, so it cannot be shown again. If you did not save it, revoke that key (POST /api/api-keys/{key.Id}/revoke) and send a new request with a new {Header}."
            : $"This request was already carried out at {at}: it made the key {earlier.ResultKeyId}, which has been deleted since. Send a new request with a new {Header} to make another.";
        if (earlier.Key is not null)
        {
            response.Headers.Location = $"/api/api-keys/{earlier.ResultKeyId}";
        }
        return TypedResults.Problem(statusCode: 409, title: "Conflict", detail: detail, extensions: new Dictionary<string, object?> { ["key_id"] = earlier.ResultKeyId, ["completed_at"] = at });
    }
}
