using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Components;

/// <summary>
/// One place that sets bUnit up like the app: MudBlazor services, loose JS interop (MudBlazor calls into its script),
/// and — for page tests — the app's real services and database behind a signed-in user.
/// </summary>
public abstract class DashboardTestContext : BunitContext, IAsyncLifetime
{
    // MudBlazor's services dispose asynchronously only: xunit disposes the context this way first.
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    protected DashboardTestContext()
    {
        // Pages read the real database; on a busy 2-core machine running every suite at once that takes longer
        // than bUnit's default second to show up.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    /// <summary>Renders a page beside MudBlazor's dialog and popover hosts, as the app's layout does, so dialogs and menus can be clicked.</summary>
    protected IRenderedComponent<Bunit.Rendering.ContainerFragment> RenderWithDialogs<TPage>() where TPage : Microsoft.AspNetCore.Components.IComponent =>
        Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<TPage>(2);
            builder.CloseComponent();
        });

    /// <summary>A new user with <paramref name="role"/> in <paramref name="org"/>, showing it, signed in for the pages (<see cref="UseApp"/>).</summary>
    protected async Task<string> SignedInAsync(QuestraFactory factory, string org, Questra.Web.Features.Organizations.OrgRole role)
    {
        var user = await factory.Data.UserAsync();
        await factory.Data.AddMemberAsync(org, user, role);
        await factory.Data.SelectOrganizationAsync(user, org);
        UseApp(factory, user);
        return user;
    }

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
        // The layout cascades the organization to every page; pages rendered alone get it the same way, read when
        // the first page asks (off the renderer's thread, which the read's continuations would otherwise wait for).
        Services.AddCascadingValue(sp =>
        {
            var current = sp.GetRequiredService<Questra.Web.Features.Organizations.CurrentOrganization>();
            return Task.Run(() => current.GetAsync()).GetAwaiter().GetResult();
        });
        // As the live circuit renders: pages read their data only once interactive (prerendering shows the frame).
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }
}
