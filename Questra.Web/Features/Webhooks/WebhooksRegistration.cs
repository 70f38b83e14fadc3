namespace Questra.Web.Features.Webhooks;

public static class WebhooksRegistration
{
    /// <summary>Webhooks: endpoint rules, signing, the address check against request forgery, and the dispatcher.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations()
            .Validate(o => WebhookTargets.NetworksParse(o.AllowedNetworks),
                "Webhooks:AllowedNetworks must be IPv4/IPv6 addresses or CIDR ranges (e.g. 10.20.0.0/16), not /0.")
            .ValidateOnStart();
        services.AddSingleton<IWebhookResolver, DnsWebhookResolver>();
        services.AddSingleton<WebhookTargets>();
        services.AddSingleton<WebhookSigning>();
        services.AddScoped<WebhookService>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }
}
