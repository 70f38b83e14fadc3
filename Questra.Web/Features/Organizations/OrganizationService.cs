using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Questra.Web.Data;
using Questra.Web.Features.Common;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Features.Organizations;

public sealed class OrganizationOptions
{
    public const string Section = "Organizations";

    /// <summary>The plan a new user's own organization starts on. Free unless configured.</summary>
    public Plan DefaultPlan { get; set; } = Plan.Free;

    /// <summary>Give a new user's organization sample surveys and responses (Development).</summary>
    public bool SeedSampleData { get; set; }
}

/// <summary>Organizations, memberships and roles.</summary>
public sealed class OrganizationService(QuestraDbContext db, IOptions<OrganizationOptions> options, TimeProvider clock)
{
    public Task<OrgRole?> GetRoleAsync(string organizationId, string userId, CancellationToken ct = default) =>
        db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && m.UserId == userId)
            .Select(m => (OrgRole?)m.Role)
            .FirstOrDefaultAsync(ct);

    public Task<List<Membership>> GetMembershipsAsync(string userId, CancellationToken ct = default) =>
        db.Memberships.AsNoTracking()
            .Include(m => m.Organization)
            .Where(m => m.UserId == userId)
            .OrderBy(m => m.Organization!.Name)
            .ToListAsync(ct);

    public Task<Organization?> FindAsync(string organizationId, CancellationToken ct = default) =>
        db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, ct);

    /// <summary>
    /// Gives a newly registered user an organization of their own, as its owner, on the configured plan
    /// (with sample surveys where configured, so the API returns data at once).
    /// </summary>
    public async Task<Organization> CreatePersonalOrganizationAsync(string userId, string displayName, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var org = new Organization
        {
            Id = Ids.New(Organization.IdPrefix),
            Name = $"{displayName}'s organization",
            Plan = options.Value.DefaultPlan,
            CreatedAt = now,
        };
        db.Organizations.Add(org);
        db.Memberships.Add(new Membership { OrganizationId = org.Id, UserId = userId, Role = OrgRole.Owner, JoinedAt = now });
        if (options.Value.SeedSampleData)
        {
            SampleData.AddSurveys(db, org.Id, userId, now);
        }
        await db.SaveChangesAsync(ct);
        return org;
    }
}
