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

