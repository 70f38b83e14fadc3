using Microsoft.AspNetCore.Components;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Components.Shared;

/// <summary>A dashboard page that works inside the current organization: loads <see cref="Org"/> first.</summary>
public abstract class OrgPage : ComponentBase
{
    [Inject] protected CurrentOrganization Current { get; set; } = default!;
    [Inject] protected Features.Common.ScopedRunner Run { get; set; } = default!;

    [Inject] protected Features.Common.ClientAddress Client { get; set; } = default!;
    [Inject] protected TimeProvider Clock { get; set; } = default!;

    protected OrgContext? Org { get; private set; }

    /// <summary>Set once a service answered that the user is no longer a member: the page then shows nothing of the org.</summary>
    protected bool NoLongerMember { get; private set; }

    /// <summary>Whether <paramref name="error"/> says the user was removed from the organization (and marks the page so).</summary>
    protected bool Removed(Features.Common.ServiceError? error)
    {
        if (error?.Kind == Features.Common.ErrorKind.NotAMember) NoLongerMember = true;
        return NoLongerMember;
    }

    /// <summary>The signed-in user as the actor of a service call.</summary>
    protected Features.Common.Caller Caller => new(Org!.UserId, Client.Value);

    protected override async Task OnInitializedAsync()
    {
        Org = await Current.GetAsync(refresh: true);
        if (Org is not null)
        {
            await LoadAsync(Org);
        }
    }

    protected abstract Task LoadAsync(OrgContext org);
}
