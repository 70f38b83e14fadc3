using Questra.Web.Features.Audit;

namespace Questra.Web.Features.Webhooks;

/// <summary>The events an endpoint can ask for: a key's life, from creation to a reported leak.</summary>
public static class WebhookEventTypes
{
    public const string Test = "webhook.test";

    public static readonly IReadOnlyList<string> All =
    [
        AuditEventTypes.ApiKeyCreated, AuditEventTypes.ApiKeyRolled, AuditEventTypes.ApiKeyRevoked, AuditEventTypes.ApiKeyDeleted,
        AuditEventTypes.ApiKeyExpiring, AuditEventTypes.ApiKeyExpired, AuditEventTypes.ApiKeyAddressRefused, AuditEventTypes.ApiKeyLeakReported,
    ];

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);

    /// <summary>What each event means, for the dashboard's checkboxes.</summary>
    public static string Describe(string type) => type switch
    {
        AuditEventTypes.ApiKeyCreated => "a key was created (also the new key of a roll)",
        AuditEventTypes.ApiKeyRolled => "a key was rolled; the old one works until its grace period ends",
        AuditEventTypes.ApiKeyRevoked => "a key was revoked (also the keys made from it)",
        AuditEventTypes.ApiKeyDeleted => "a key was deleted",
        AuditEventTypes.ApiKeyExpiring => "a key expires within 7 days, and again within 1 day",
        AuditEventTypes.ApiKeyExpired => "a key expired",
        AuditEventTypes.ApiKeyAddressRefused => "a key was used from an address it may not be used from (at most hourly per address)",
        AuditEventTypes.ApiKeyLeakReported => "someone reported a key as leaked, and it was revoked",
        _ => type,
    };
}
