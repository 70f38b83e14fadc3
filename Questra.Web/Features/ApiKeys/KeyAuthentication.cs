using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

public enum KeyFailure { Missing, Malformed, BadChecksum, Unknown, Deleted, Revoked, Expired, OwnerGone }

/// <summary>A key that authenticated, with its owner's role as of this request.</summary>
public sealed record AuthenticatedKey(
    string KeyId, string OrganizationId, string OwnerUserId, OrgRole OwnerRole, ApiScopes Scopes, IReadOnlyList<string>? SurveyIds);

public sealed record KeyAuthentication(AuthenticatedKey? Key, KeyFailure? Failure, string? Message)
{
    public static KeyAuthentication Success(AuthenticatedKey key) => new(key, null, null);
    public static KeyAuthentication Fail(KeyFailure failure, string message) => new(null, failure, message);
}
