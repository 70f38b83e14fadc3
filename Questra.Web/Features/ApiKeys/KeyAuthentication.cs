using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

/// <summary>A key that authenticated, with its owner's role as of this request and its own expiry (null: never).</summary>
public sealed record AuthenticatedKey(
    string KeyId, string OrganizationId, string OwnerUserId, OrgRole OwnerRole, ApiScopes Scopes, IReadOnlyList<string>? SurveyIds,
    DateTimeOffset? ExpiresAt);

/// <summary>A key that authenticated, or the reason (for the 401's detail) why the presented one did not.</summary>
public sealed record KeyAuthentication(AuthenticatedKey? Key, string? Message)
{
    public static KeyAuthentication Success(AuthenticatedKey key) => new(key, null);
    public static KeyAuthentication Fail(string message) => new(null, message);
}
