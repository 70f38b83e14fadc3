using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.AuditTrail;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;
using Questra.Web.Features.Webhooks;

namespace Questra.Web.Features;

public static class FeatureExtensions
{
    /// <summary>The domain, feature by feature: each folder registers its own services.</summary>
    public static IServiceCollection AddQuestraFeatures(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ScopedRunner>();
        services.AddOrganizations();
        services.AddSurveys();
        services.AddApiKeys();
        services.AddAuditTrail();
        services.AddWebhooks();
        services.AddScoped<Accounts.AccountService>();
        return services;
    }
}
