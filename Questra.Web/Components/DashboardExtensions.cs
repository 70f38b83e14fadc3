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
        // What open tabs may hold on to: a cap per person, and a shorter keep for disconnected ones (DashboardOptions).
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Microsoft.AspNetCore.Components.Server.CircuitOptions>().Configure<Microsoft.Extensions.Options.IOptions<DashboardOptions>>((circuits, dashboard) =>
        {
            circuits.DisconnectedCircuitRetentionPeriod = TimeSpan.FromSeconds(dashboard.Value.DisconnectedTabSeconds);
            circuits.DisconnectedCircuitMaxRetained = dashboard.Value.MaxDisconnectedTabs;
        });
        services.AddSingleton<TabCounts>();
        services.AddScoped<TabAllowance>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, TabCapHandler>();
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
