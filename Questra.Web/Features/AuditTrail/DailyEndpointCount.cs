namespace Questra.Web.Features.AuditTrail;

public sealed record DailyEndpointCount(DateOnly Day, string Endpoint, long Count);
