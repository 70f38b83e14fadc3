using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Api;

/// <summary>
/// <c>POST /api/credentials/revoke</c>: the leaked-key report. No authentication (whoever finds a key reports it),
/// throttled per client address (across instances with <c>Limits:Redis</c>), and always the same <c>202</c> whatever was matched (<see cref="LeakReports"/>).
/// </summary>
public static class CredentialsEndpoints
{
    public static readonly LeakReportAccepted Accepted = new("accepted",
        "Thank you. Every credential in the report that is a working Questra API key has been revoked, and its owners have been told.");

    public static void MapCredentialsRevoke(this WebApplication app)
    {
        var throttle = new FixedWindowCounters(app.Services.GetRequiredService<TimeProvider>(), TimeSpan.FromMinutes(1));
        app.MapPost("/api/credentials/revoke", async Task<Results<Accepted<LeakReportAccepted>, ProblemHttpResult>> (
                HttpContext http, LeakReports reports, IOptionsMonitor<ApiKeyOptions> options, SharedWindows shared, CancellationToken ct) =>
            {
                var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                var (clientKey, limit) = (FailedAuthThrottle.ClientKey(client), options.CurrentValue.LeakReportsPerMinute);
                // Counted by every instance together when limits are shared (Limits:Redis), else here.
                var (taken, _, resetIn) = shared.Enabled && await shared.TryAddAsync("leak-reports", clientKey, limit, TimeSpan.FromMinutes(1)) is { } counted
                    ? (counted.Taken, counted.Count, counted.ResetIn)
                    : throttle.TryAdd(clientKey, limit);
                if (!taken)
                {
                    var seconds = Math.Max(1, (int)Math.Ceiling(resetIn.TotalSeconds));
                    http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return ApiResults.TooManyRequests($"Too many reports from this address; retry after {seconds} s.");
                }
                var (body, error) = await ApiResults.ReadJsonAsync<LeakReportRequest>(http.Request, QuestraApi.StrictJson);
                if (error is not null) return error;
                if (body!.Credentials is not { Count: > 0 } credentials)
                {
                    return ApiResults.FieldError("credentials", "credentials is required: a list of the leaked secrets (sk_live_…), at most 100.", 422);
                }
                if (credentials.Count > LeakReports.MaxCredentials)
                {
                    return ApiResults.FieldError("credentials", $"At most {LeakReports.MaxCredentials} credentials per report; send the rest in another.", 422);
                }
                await reports.ReportAsync(credentials.Where(c => c is not null)!, client, ct);
                return TypedResults.Accepted((string?)null, Accepted);
            })
            .AllowAnonymous()
            // Read by hand after the throttle (an anonymous endpoint reads nothing for a client over its limit); documented the same way.
            .WithMetadata(new JsonBodyMetadata(typeof(LeakReportRequest), Required: true))
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(QuestraApi.MaxBodyBytes))
            .WithTags("Leaked keys")
            .WithName("ReportLeakedCredentials")
            .WithSummary("Report leaked Questra API keys (no authentication; at most 100 per call, throttled per address). Every working key among them " +
                "is revoked with the keys made from it, and its owners are told. The answer is always 202 with the same body, whatever matched.");
    }
}
