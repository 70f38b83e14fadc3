namespace Questra.Web.Features.Audit;

public static class AuditRegistration
{
    /// <summary>The audit log and the per-key usage roll-up (counted in memory, flushed periodically).</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<AuditLog>();
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService<UsageFlushService>();
        return services;
    }
}
