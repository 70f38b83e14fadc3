using Microsoft.AspNetCore.Http.Features;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Api;

/// <summary>Endpoint metadata: the scope a route needs.</summary>
public sealed record RequiredScope(ApiScopes Scope);

/// <summary>
/// The checks after authentication, in rule 9's order: the key's allowed addresses (403, naming where the request
/// came from, never the list), <c>X-Org-Id</c> (400 missing or malformed, 403 another
/// org), then the route's scope (403). Rate limiting (<see cref="KeyRateLimitFilter"/>) comes next; resource checks
/// (404/403) follow in the handlers.
/// </summary>
public sealed class ApiAccessFilter(UsageRecorder usage, Features.Telemetry.QuestraMetrics metrics) : IEndpointFilter
{
    public const string OrgHeader = "X-Org-Id";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Features.GetRequiredFeature<AuthenticatedKey>();

        // First the key's address rules (its own list, its ancestors', the organization's), then everything else.
        var client = http.Connection.RemoteIpAddress;
        if (!key.AllowsAddress(client))
        {
            usage.RecordRefusedAddress(key, client);
            metrics.KeyChecked(Features.Telemetry.KeyCheckOutcomes.RefusedAddress);
            http.Features.Set(AddressRefused.Instance); // counted as a refusal, not as use of the key
            return ApiResults.Forbidden($"This API key may not be used from {Shown(client)}: the address is outside the key's allowed addresses or the organization's.");
        }
        usage.RecordAddress(key, client);
        metrics.KeyChecked(Features.Telemetry.KeyCheckOutcomes.Ok);

        var values = http.Request.Headers[OrgHeader];
        if (values.Count == 0 || string.IsNullOrWhiteSpace(values[0]))
        {
            return ApiResults.BadRequest($"The {OrgHeader} header is required: your Organization ID, found on the Settings page.");
        }
        if (values.Count > 1)
        {
            return ApiResults.BadRequest($"Send exactly one {OrgHeader} header.");
        }
        var orgId = values[0]!.Trim();
        if (!Ids.HasShape(orgId, Organization.IdPrefix))
        {
            return ApiResults.BadRequest($"The {OrgHeader} header is malformed: an Organization ID looks like 'org_' followed by letters and digits.");
        }
        if (!string.Equals(orgId, key.OrganizationId, StringComparison.Ordinal))
        {
            return ApiResults.Forbidden($"This API key belongs to another organization than the one in {OrgHeader}.");
        }

        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>() is { } required && !key.Scopes.HasFlag(required.Scope))
        {
            return ApiResults.Forbidden($"This API key lacks the '{ApiScopeNames.Name(required.Scope)}' scope.");
        }

        return await next(context);
    }

    private static string Shown(System.Net.IPAddress? address) =>
        address is null ? "an unknown address" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}

/// <summary>Marks a request refused for its address: the usage counts it as an error but not as the key's use.</summary>
public sealed class AddressRefused
{
    public static readonly AddressRefused Instance = new();
}

public static class ApiRouteExtensions
{
    public static RouteHandlerBuilder RequireScope(this RouteHandlerBuilder builder, ApiScopes scope) =>
        builder.WithMetadata(new RequiredScope(scope));
}
