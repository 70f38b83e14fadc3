namespace Questra.Web.Features.AuditTrail;

/// <summary>What the audit log shows: a key (id or part of its name), an actor, an event type, and a range of whole UTC days (both ends included).</summary>
public sealed record AuditFilter(string? KeyId = null, string? UserId = null, string? Type = null, DateOnly? From = null, DateOnly? To = null);
