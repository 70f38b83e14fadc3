using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// <c>Authorization: Bearer sk_live_…</c> for the public API. Every failure answers 401 with a problem+json
/// body and a <c>WWW-Authenticate</c> header saying which check failed; the key itself is never echoed.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyAuthenticator keys, FailedAuthThrottle throttle)
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
        blockedFor = throttle.RetryAfter(client);
        if (blockedFor is not null)
        {
            return AuthenticateResult.Fail(TooManyFailures);
        }
        var result = await AuthenticateKeyAsync();
        if (result.Failure is not null && throttle.RecordFailure(client) is { } wait)
        {
            blockedFor = wait; // over the limit with this failure (a client of its own, or one of a flood counted together)
            return AuthenticateResult.Fail(TooManyFailures);
        }
        return result;
    }

    private const string TooManyFailures = "Too many failed authentications from this client; wait before trying again.";

    private async Task<AuthenticateResult> AuthenticateKeyAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return AuthenticateResult.Fail("No Authorization header. Send 'Authorization: Bearer <your API key>'.");
        }
        if (headers.Count > 1)
        {
            return AuthenticateResult.Fail("Send exactly one Authorization header.");
        }
        var value = headers[0] ?? "";
        const string bearer = "Bearer ";
        if (!value.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must use the Bearer scheme: 'Authorization: Bearer <your API key>'.");
        }
        var token = value[bearer.Length..].Trim();
        if (token.Length == 0)
        {
            return AuthenticateResult.Fail("The Authorization header has no API key after 'Bearer'.");
        }
        if (token.Length > MaxTokenLength)
        {
            return AuthenticateResult.Fail($"The API key is malformed: it must be {ApiKeySecret.Length} characters.");
        }

        var result = await keys.AuthenticateAsync(token, Context.RequestAborted);
        if (result.Key is not { } key)
        {
            return AuthenticateResult.Fail(result.Message!);
        }
        return Success(key);
    }

    private AuthenticateResult Success(AuthenticatedKey key)
    {
        Context.Features.Set(key);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, key.OwnerUserId), new Claim(KeyIdClaim, key.KeyId)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure?.Message ?? "Authentication with an API key is required.";
        if (blockedFor is { } wait)
        {
            Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Results.Problem(statusCode: 429, title: "Too Many Requests", detail: TooManyFailures).ExecuteAsync(Context);
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
