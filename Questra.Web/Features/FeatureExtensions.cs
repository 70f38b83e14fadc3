using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Common;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Features;

public static class FeatureExtensions
{
    /// <summary>The domain services: organizations, surveys, the API key service and the usage roll-up.</summary>
    public static IServiceCollection AddQuestraFeatures(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<OrganizationOptions>().BindConfiguration(OrganizationOptions.Section).ValidateOnStart();
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<ScopedRunner>();
        services.AddScoped<OrganizationService>();
        services.AddScoped<MembershipService>();
        services.AddScoped<InvitationService>();
        services.AddScoped<Accounts.AccountService>();
        services.AddScoped<AuditLog>();
        services.AddScoped<SurveyAccess>();
        services.AddScoped<SurveyMetrics>();
        services.AddScoped<ApiKeyService>();
        services.AddScoped<ApiKeyAuthenticator>();
        services.AddScoped<KeyNotices>();
        services.AddSingleton<KeyExpiryNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyExpiryNotifier>());
        services.AddSingleton<FailedAuthThrottle>();
        services.AddSingleton<KeyRateLimiter>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<ApiKeyCacheSync>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyCacheSync>());
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService<UsageFlushService>();
        return services;
    }
}
