using Microsoft.Extensions.Options;
using Questra.Web.Data;

namespace Questra.Web.Features.Organizations;


/// <summary>Organizations, memberships and roles.</summary>
public sealed class OrganizationService(QuestraDbContext db, IOptions<OrganizationOptions> options, TimeProvider clock,
    IEnumerable<INewOrganizationContent> starterContent)
{
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
        await db.SaveChangesAsync(ct);
        if (options.Value.SeedSampleData)
        {
            foreach (var content in starterContent) await content.AddToAsync(org.Id, userId, ct);
        }
        return org;
    }
}
