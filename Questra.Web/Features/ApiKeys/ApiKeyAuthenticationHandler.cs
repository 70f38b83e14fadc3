using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Questra.Web.Features.Telemetry;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// <c>Authorization: Bearer sk_live_…</c> for the public API. Every failure answers 401 with a problem+json
/// body and a <c>WWW-Authenticate</c> header saying which check failed; the key itself is never echoed.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyAuthenticator keys, FailedAuthThrottle throttle, QuestraMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyIdClaim = "questra:api_key_id";

    // Longer than any real key by a margin; anything longer is not hashed or looked up.
    private const int MaxTokenLength = 256;

    // Set when this request came from a client over its failure limit: answered 429, the key not even looked at.
    private TimeSpan? blockedFor;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var client = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var token = ReadToken(out var malformed);
        blockedFor = throttle.RetryAfter(client);
        if (blockedFor is not null)
        {
            // Only failures are throttled: a key this instance checked a moment ago still gets through (one broken
            // script behind a shared address must not lock out its neighbours); anything else is not looked up.
            if (token is not null && keys.FindKnownGood(token) is { } known)
            {
                blockedFor = null;
                return Success(known);
            }
            metrics.Throttled(ThrottleLimits.FailedAuth);
            return AuthenticateResult.Fail(TooManyFailures);
        }
        if (token is null && Request.Headers.Authorization.Count == 0)
        {
            // No credentials is not a guess: nothing to count against the client. Every /api request comes here
            // (SchemeByPath), the open ones too (the reference, leak reports); one that needs a key is challenged,
            // and its 401 says the header is missing.
            return AuthenticateResult.NoResult();
        }
        if (token is null) metrics.KeyChecked(KeyCheckOutcomes.Malformed);
        var result = token is null ? AuthenticateResult.Fail(malformed!) : await AuthenticateKeyAsync(token);
        if (result.Failure is not null && await throttle.RecordFailureAsync(client) is { } wait)
        {
            blockedFor = wait; // over the limit with this failure (a client of its own, or one of a flood counted together)
            metrics.Throttled(ThrottleLimits.FailedAuth);
            return AuthenticateResult.Fail(TooManyFailures);
        }
        return result;
    }

    private const string NoHeader = "No Authorization header. Send 'Authorization: Bearer <your API key>'.";

    private const string TooManyFailures = "Too many failed authentications from this client; wait before trying again.";

    /// <summary>The key after <c>Bearer</c>, or null with what is wrong with the header.</summary>
    private string? ReadToken(out string? problem)
    {
        problem = null;
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            problem = NoHeader;
            return null;
        }
        if (headers.Count > 1)
        {
            problem = "Send exactly one Authorization header.";
            return null;
        }
        var value = headers[0] ?? "";
        const string bearer = "Bearer ";
        if (!value.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            problem = "The Authorization header must use the Bearer scheme: 'Authorization: Bearer <your API key>'.";
            return null;
        }
        var token = value[bearer.Length..].Trim();
        if (token.Length == 0)
        {
            problem = "The Authorization header has no API key after 'Bearer'.";
            return null;
        }
        if (token.Length > MaxTokenLength)
        {
            problem = $"The API key is malformed: it must be {ApiKeySecret.Length} characters.";
            return null;
        }
        return token;
    }

    private async Task<AuthenticateResult> AuthenticateKeyAsync(string token)
    {
        var result = await keys.AuthenticateAsync(token, Context.RequestAborted);
        // A key that checks out is counted (ok, or refused_address) where its addresses are checked: ApiAccessFilter.
        if (result.Key is null) metrics.KeyChecked(result.Outcome);
        if (result.BlockedKey is { } blocked && !blocked.AllowsAddress(Context.Connection.RemoteIpAddress))
        {
            // Why a key is blocked (its age, the organization's limit) is for the places it may be used from.
            return AuthenticateResult.Fail(KeyAuthentication.BlockedWithoutDetail);
        }
        if (result.Key is not { } key)
        {
            return AuthenticateResult.Fail(result.Message!);
        }
        return Success(key);
    }

    public const string ExpiresHeader = "Questra-Key-Expires";

    private AuthenticateResult Success(AuthenticatedKey key)
    {
        Context.Features.Set(key);
        // On every answer to this key, errors included: when it stops, and during a roll's grace period that it is
        // replaced. The values were made once, with the cached key.
        if (key.ExpiresHeader is { } expires) Response.Headers[ExpiresHeader] = expires;
        if (key.RollHeaders is { } roll)
        {
            Response.Headers["Deprecation"] = roll.Deprecation;
            Response.Headers["Sunset"] = roll.Sunset;
            Response.Headers.Link = roll.Link;
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, key.OwnerUserId), new Claim(KeyIdClaim, key.KeyId)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.None) metrics.KeyChecked(KeyCheckOutcomes.Missing);
        var detail = result.Failure?.Message ?? (result.None ? NoHeader : "Authentication with an API key is required.");
        if (blockedFor is { } wait)
        {
            Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Api.ApiResults.TooManyRequests(TooManyFailures).ExecuteAsync(Context);
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate =
            $"Bearer realm=\"questra\", error=\"invalid_token\", error_description=\"{detail.Replace("\"", "'")}\"";
        await Results.Problem(statusCode: 401, title: "Unauthorized", detail: detail).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Results.Problem(statusCode: 403, title: "Forbidden", detail: "This API key may not do this.").ExecuteAsync(Context);
}
