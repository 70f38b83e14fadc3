namespace Questra.Web.Features.AuditTrail;

/// <summary>A key's refused or failed request as its page shows it: when, which route, the status, the reason.</summary>
public sealed record RecentFailure(DateTimeOffset At, string Endpoint, int Status, string Reason);
