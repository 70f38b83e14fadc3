using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Tests.Infrastructure;
using Radzen;

namespace Questra.Web.Tests.Components;

/// <summary>
/// One place that sets bUnit up like the app: Radzen services, loose JS interop (Radzen calls into its script),
/// and — for page tests — the app's real services and database behind a signed-in user.
/// </summary>
public abstract class DashboardTestContext : BunitContext
{
    protected DashboardTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

    /// <summary>Renders a page beside Radzen's dialog host, as the app's layout does, so confirmations can be clicked.</summary>
    protected IRenderedComponent<Bunit.Rendering.ContainerFragment> RenderWithDialogs<TPage>() where TPage : Microsoft.AspNetCore.Components.IComponent =>
        Render(builder =>
        {
            builder.OpenComponent<Radzen.Blazor.RadzenDialog>(0);
            builder.CloseComponent();
            builder.OpenComponent<TPage>(1);
            builder.CloseComponent();
        });

    /// <summary>Lets pages resolve the app's own services (key service, database…) from a running test app, signed in as <paramref name="userId"/>.</summary>
    protected void UseApp(QuestraFactory factory, string userId)
    {
        Services.AddFallbackServiceProvider(factory.Services);
        // Per-user state must see bUnit's signed-in user, not the app's (empty) request.
        Services.AddScoped(sp => new Questra.Web.Features.Organizations.CurrentOrganization(
            sp.GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>(),
            factory.Services.GetRequiredService<Questra.Web.Features.Common.ScopedRunner>()));
        var auth = AddAuthorization();
        auth.SetAuthorized("user@example.test");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
    }
}
