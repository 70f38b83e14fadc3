namespace Questra.Web.Features.Audit;

/// <summary>One thing that happened in an organization, by a user or a key.</summary>
public sealed class AuditEvent
{
    public long Id { get; init; }
    public required string OrganizationId { get; init; }
    public required string Type { get; init; }
    public string? ActorUserId { get; init; }
    public string? ActorApiKeyId { get; init; }

    /// <summary>What the event is about, e.g. the key's id.</summary>
    public string? TargetId { get; init; }
    public string? Ip { get; init; }
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>A short, secret-free description (e.g. the key's name and scopes).</summary>
    public string? Details { get; init; }
}

public static class AuditEventTypes
{
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";
    public const string ApiKeyRolled = "api_key.rolled";
    public const string ApiKeyDeleted = "api_key.deleted";
    public const string ApiKeyRenamed = "api_key.renamed";
    public const string MfaEnabled = "mfa.enabled";
    public const string MfaDisabled = "mfa.disabled";
    public const string OrgSettingsChanged = "org.settings_changed";
    public const string MemberRoleChanged = "member.role_changed";
    public const string MemberAdded = "member.added";
    public const string MemberRemoved = "member.removed";
    public const string MemberInvited = "member.invited";
    public const string InvitationDeclined = "invitation.declined";
    public const string InvitationRevoked = "invitation.revoked";
    public const string OrgPlanChanged = "org.plan_changed";
    public const string UserConfirmed = "user.confirmed";

    public static readonly IReadOnlyList<string> All =
    [
        ApiKeyCreated, ApiKeyRevoked, ApiKeyRolled, ApiKeyDeleted, ApiKeyRenamed, MfaEnabled, MfaDisabled,
        OrgSettingsChanged, MemberRoleChanged, MemberAdded, MemberRemoved, OrgPlanChanged, UserConfirmed,
        MemberInvited, InvitationDeclined, InvitationRevoked,
    ];
}

/// <summary>Key use, rolled up per key per endpoint per UTC day: one row, a count.</summary>
public sealed class ApiKeyUsage
{
    public required string ApiKeyId { get; init; }
    public required string OrganizationId { get; init; }
    public required string Endpoint { get; init; }
    public DateOnly Day { get; init; }
    public long Count { get; set; }
    public DateTimeOffset LastUsedAt { get; set; }
}
