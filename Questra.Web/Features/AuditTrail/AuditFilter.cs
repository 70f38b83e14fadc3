namespace Questra.Web.Features.AuditTrail;

public sealed record AuditFilter(string? KeyId = null, string? UserId = null, string? Type = null);
