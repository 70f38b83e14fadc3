using Questra.Web.Features.Organizations;
using Radzen;

namespace Questra.Web.Components;

public static class DashboardExtensions
{
    /// <summary>The Blazor Server dashboard: interactive components, Radzen, and the per-circuit organization context.</summary>
    public static IServiceCollection AddQuestraDashboard(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddRadzenComponents();
        services.AddScoped<CurrentOrganization>();
        services.AddHttpContextAccessor();
        services.AddScoped<Features.Common.ClientAddress>();
        return services;
    }
}
