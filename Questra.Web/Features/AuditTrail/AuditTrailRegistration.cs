namespace Questra.Web.Features.AuditTrail;

public static class AuditTrailRegistration
{
    /// <summary>Reading the audit log and a key's usage (owners and admins; the dashboard's audit and key pages).</summary>
    public static IServiceCollection AddAuditTrail(this IServiceCollection services) => services.AddScoped<AuditLog>();
}
