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
}
