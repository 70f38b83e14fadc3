namespace Questra.Web.Features.AuditTrail;

/// <summary>An event as the audit log shows it: <see cref="TargetLabel"/> names the target (a member's email, a key's name) where it still exists.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset OccurredAt, string Type, string? ActorUserId, string? ActorEmail, string? ActorApiKeyId,
    string? TargetId, string? Ip, string? Details, string? TargetLabel = null);
