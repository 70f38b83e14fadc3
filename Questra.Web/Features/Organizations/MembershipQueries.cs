using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;

namespace Questra.Web.Features.Organizations;

public static class MembershipQueries
{
    /// <summary>The user's role in the organization as stored now, or null when they are not a member.</summary>
    public static Task<OrgRole?> RoleOfAsync(this QuestraDbContext db, string organizationId, string userId, CancellationToken ct = default) =>
        db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && m.UserId == userId)
            .Select(m => (OrgRole?)m.Role)
            .FirstOrDefaultAsync(ct);

    /// <summary>
    /// Takes the organization's write lock for the rest of the current transaction (a no-op update of its row), so
    /// membership checks and changes in the same organization happen one after the other, on every database.
    /// </summary>
    public static Task<int> LockOrganizationAsync(this QuestraDbContext db, string organizationId, CancellationToken ct = default) =>
        db.Organizations.Where(o => o.Id == organizationId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Name, o => o.Name), ct);
}
