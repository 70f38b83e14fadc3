using Questra.Web.Data;
using Questra.Web.Features.Common;

namespace Questra.Web.Features.Audit;

public static class AuditRecording
{
    /// <summary>Adds an audit event to the context, to be saved with the change it describes (one transaction).</summary>
    public static void AddAuditEvent(this QuestraDbContext db, string organizationId, Caller caller, string type, string targetId,
        DateTimeOffset at, string? details = null) =>
        db.AuditEvents.Add(new AuditEvent
        {
            OrganizationId = organizationId,
            Type = type,
            ActorUserId = caller.UserId,
            ActorApiKeyId = caller.ApiKeyId,
            TargetId = targetId,
            Ip = caller.Ip,
            OccurredAt = at,
            Details = details,
        });
}
