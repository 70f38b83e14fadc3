using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Api;

/// <summary>Requests per key per minute (<c>ApiKeys:RequestsPerMinutePerKey</c>): RateLimit-* headers on every answer, 429 over it.</summary>
public sealed class KeyRateLimitFilter(KeyRateLimiter rateLimiter, Features.Telemetry.QuestraMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keyId = http.Features.GetRequiredFeature<AuthenticatedKey>().KeyId;
        var rate = await rateLimiter.TakeAsync(keyId);
        var reset = Text((int)Math.Ceiling(rate.ResetIn.TotalSeconds));
        http.Response.Headers["RateLimit-Limit"] = Text(rate.Limit);
        http.Response.Headers["RateLimit-Remaining"] = Text(rate.Remaining);
        http.Response.Headers["RateLimit-Reset"] = reset;
        if (!rate.Allowed)
        {
            http.Response.Headers.RetryAfter = reset;
            metrics.Throttled(Features.Telemetry.ThrottleLimits.KeyRate);
            return ApiResults.TooManyRequests(
                $"This API key made more than {rate.Limit} requests in a minute; retry after {reset} s.");
        }
        http.Features.Set(new TakenRequest(keyId, rate.SharedWindow));
        return await next(context);
    }

    // The header values as text without a new string per request for the usual numbers (limits, seconds).
    private static readonly string?[] Numbers = new string?[4096];

    private static string Text(int value) => (uint)value < (uint)Numbers.Length
        ? Numbers[value] ??= value.ToString(CultureInfo.InvariantCulture)
        : value.ToString(CultureInfo.InvariantCulture);
}
