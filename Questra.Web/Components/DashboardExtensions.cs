using MudBlazor;
using MudBlazor.Services;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Components;

public static class DashboardExtensions
{
    /// <summary>The Blazor Server dashboard: interactive components, MudBlazor, and the per-circuit organization context.</summary>
    public static IServiceCollection AddQuestraDashboard(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            options.SnackbarConfiguration.VisibleStateDuration = 5000;
            options.SnackbarConfiguration.ShowCloseIcon = true;
        });
        services.AddScoped<CurrentOrganization>();
        services.AddHttpContextAccessor();
        services.AddScoped<Features.Common.ClientAddress>();
        return services;
    }
}
