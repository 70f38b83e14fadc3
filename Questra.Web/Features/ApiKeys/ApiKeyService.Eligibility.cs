using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

/// <summary>Who may create keys (rule 1), with every reason and whom to ask when not.</summary>
public sealed partial class ApiKeyService
{
    /// <summary>Whether the user may create keys; when not, every reason, and the owners and admins to ask where one of them must act.</summary>
    public async Task<CreationEligibility> CheckCreationAsync(string organizationId, string userId, CancellationToken ct = default)
    {
        var (eligibility, role, _) = await EligibilityAsync(organizationId, userId, ct);
        if (role is null || !eligibility.Blockers.Any(b => b.AskAdmins)) return eligibility;
        var admins = await db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && (m.Role == OrgRole.Owner || m.Role == OrgRole.Admin) && m.UserId != userId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Email, m.Role })
            .OrderBy(x => x.Role == OrgRole.Owner ? 0 : 1).ThenBy(x => x.Email).Take(5).ToListAsync(ct);
        return eligibility with { AskWhom = admins.Select(a => $"{a.Email} ({a.Role.ToString().ToLowerInvariant()})").ToList() };
    }

    // Rule 1, the user's role and the organization's key policy, read together so a create does not ask twice.
    private async Task<(CreationEligibility Eligibility, OrgRole? Role, OrgKeyPolicy Policy)> EligibilityAsync(string organizationId, string userId, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.EmailConfirmed, u.TwoFactorEnabled }).FirstOrDefaultAsync(ct);
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, ct);
        var role = await db.RoleOfAsync(organizationId, userId, ct);
        if (user is null || org is null)
        {
            return (CreationEligibility.Evaluate(false, false, Plan.Free, ApiKeyCreationPolicy.Disabled, null), null, OrgKeyPolicy.None);
        }
        return (CreationEligibility.Evaluate(user.EmailConfirmed, user.TwoFactorEnabled, org.Plan, org.ApiKeyCreation, role), role, OrgKeyPolicy.Of(org));
    }
}
