namespace Questra.Web.Features.ApiKeys;

public static class ApiKeysRegistration
{
    /// <summary>Keys: the key service (every rule), the per-request check and its cache and sync, throttles, notices.</summary>
    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ApiKeyService>();
        services.AddSingleton<ApiKeyAuthenticator>(); // stateless: its cache and context factory are singletons
        services.AddScoped<KeyNotices>();
        services.AddScoped<LeakReports>();
        services.AddScoped<Organizations.IMemberKeys, MemberKeys>();
        services.AddSingleton<KeyExpiryNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyExpiryNotifier>());
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section);
        services.AddSingleton<SharedWindows>();
        services.AddHostedService<SharedWindows.ConnectAtStart>();
        services.AddSingleton<FailedAuthThrottle>();
        services.AddSingleton<KeyRateLimiter>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<ApiKeyCacheSync>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyCacheSync>());
        // Each key's use, counted in memory per route and day and flushed periodically.
        services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService<UsageFlushService>();
        return services;
    }
}
