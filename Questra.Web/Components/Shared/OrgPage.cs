using Microsoft.AspNetCore.Components;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Components.Shared;

/// <summary>A dashboard page that works inside the current organization: loads <see cref="Org"/> first.</summary>
public abstract class OrgPage : ComponentBase
{
    [Inject] private CurrentOrganization Current { get; set; } = default!;
    [Inject] protected Features.Common.ScopedRunner Run { get; set; } = default!;

    [Inject] protected Features.Common.ClientAddress Client { get; set; } = default!;
    [Inject] protected TimeProvider Clock { get; set; } = default!;

    /// <summary>The organization and the user's role in it, cascaded by the layout (read once per navigation).</summary>
    [CascadingParameter] protected OrgContext? Org { get; set; }

    // The organization, role and route the page's data was read under: it is read again only when one changes.
    private (string OrganizationId, OrgRole Role, string? Route)? loadedFor;

    /// <summary>
    /// What in the page's own parameters names its data (a key's or a survey's id): following a link from one key's
    /// page to another's reuses the component, and the data is read again for the new one.
    /// </summary>
    protected virtual string? RouteKey => null;

    /// <summary>Set once a service answered that the user is no longer a member: the page then shows nothing of the org.</summary>
    protected bool NoLongerMember { get; private set; }

    /// <summary>Whether <paramref name="error"/> says the user was removed from the organization (and marks the page so).</summary>
    protected bool Removed(Features.Common.ServiceError? error)
    {
        if (error?.Kind == Features.Common.ErrorKind.NotAMember && !NoLongerMember)
        {
            NoLongerMember = true;
            // A panel's own event re-renders only the panel: the page must show the notice instead of everything.
            StateHasChanged();
        }
        return NoLongerMember;
    }

    /// <summary>The signed-in user as the actor of a service call.</summary>
    protected Features.Common.Caller Caller => new(Org!.UserId, Client.Value);

    /// <summary>
    /// Reads the page's data once the circuit is live: the prerendered HTML shows the layout and the page's loading
    /// state, not data read twice. Read again when the layout's context names another organization or role.
    /// </summary>
    protected override async Task OnParametersSetAsync()
    {
        if (Org is null || !RendererInfo.IsInteractive) return;
        if (loadedFor == (Org.OrganizationId, Org.Role, RouteKey)) return;
        loadedFor = (Org.OrganizationId, Org.Role, RouteKey);
        await LoadAsync(Org);
    }

    /// <summary>
    /// After a change to the organization or its members (a rename, a role): reads the context again — the layout
    /// shows it, and it cascades back here — and the page's data with it.
    /// </summary>
    protected async Task RefreshOrganizationAsync()
    {
        if (await Current.GetAsync() is not { } fresh) return;
        loadedFor = (fresh.OrganizationId, fresh.Role, RouteKey);
        await LoadAsync(fresh);
    }

    protected abstract Task LoadAsync(OrgContext org);
}
