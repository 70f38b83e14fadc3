using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;

namespace Questra.Web.Features.Organizations;

/// <summary>The signed-in user and the organization the dashboard is showing them, with their role in it.</summary>
public sealed record OrgContext(string UserId, string UserName, Organization Organization, OrgRole Role, IReadOnlyList<Membership> Memberships)
{
    public string OrganizationId => Organization.Id;
    public bool IsAdminOrOwner => Role is OrgRole.Admin or OrgRole.Owner;
}

/// <summary>
/// Works out <see cref="OrgContext"/> for the dashboard (per circuit), honouring the org switcher's choice,
/// which is kept on the user so it survives reloads. Roles are read fresh on every <see cref="GetAsync"/> (the layout
/// asks once per navigation and cascades the answer), and every service re-checks them anyway.
/// </summary>
public sealed class CurrentOrganization(AuthenticationStateProvider auth, ScopedRunner run)
{
    private OrgContext? last; // the previous read, to tell the layout when what it shows changed

    /// <summary>
    /// Raised when a fresh read finds the organization, role, plan or the list of organizations changed (a rename on
    /// the settings page, an accepted invitation), so the layout around the page shows the same as the page.
    /// </summary>
    public event Action<OrgContext?>? Changed;

    /// <summary>The context as it is now, or null when the user is signed out or belongs to no organization.</summary>
    public async Task<OrgContext?> GetAsync()
    {
        var before = last;
        var after = await ReadAsync();
        if (before is not null && Shown(before) != Shown(after)) Changed?.Invoke(after);
        return after;
    }

    // What the layout shows of a context.
    private static string Shown(OrgContext? c) => c is null ? "" :
        $"{c.OrganizationId}|{c.Organization.Name}|{c.Organization.Plan}|{c.Role}|" +
        string.Join(',', c.Memberships.Select(m => $"{m.OrganizationId}:{m.Organization?.Name}:{m.Role}"));

    private async Task<OrgContext?> ReadAsync()
    {
        var principal = (await auth.GetAuthenticationStateAsync()).User;
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null) return last = null;

        last = await run.Run<QuestraDbContext, OrgContext?>(async db =>
        {
            var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
                .Select(u => new { u.UserName, u.SelectedOrganizationId }).FirstOrDefaultAsync();
            if (user is null) return null;
            var memberships = await db.Memberships.AsNoTracking().Include(m => m.Organization)
                .Where(m => m.UserId == userId).OrderBy(m => m.Organization!.Name).ToListAsync();
            var current = memberships.FirstOrDefault(m => m.OrganizationId == user.SelectedOrganizationId) ?? memberships.FirstOrDefault();
            return current is null ? null : new OrgContext(userId, user.UserName ?? "", current.Organization!, current.Role, memberships);
        });
        return last;
    }

    /// <summary>Shows another of the user's organizations from now on (ignored if they are not a member).</summary>
    public async Task SwitchAsync(string organizationId)
    {
        // The memberships as they are now: a tab open since the user was removed cannot switch back in.
        var context = await GetAsync();
        if (context is null || context.Memberships.All(m => m.OrganizationId != organizationId)) return;
        await run.Run<QuestraDbContext>(db => db.Users.Where(u => u.Id == context.UserId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.SelectedOrganizationId, organizationId)));
        last = null;
    }

    /// <summary>Starts an organization of the signed-in user's own (for someone who belongs to none) and shows it.</summary>
    public async Task CreateOwnAsync()
    {
        var principal = (await auth.GetAuthenticationStateAsync()).User;
        if (principal.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId) return;
        var name = (principal.Identity?.Name ?? "My").Split('@')[0];
        var org = await run.Run<OrganizationService, Organization>(s => s.CreatePersonalOrganizationAsync(userId, name));
        await SwitchAsync(org.Id);
    }
}
