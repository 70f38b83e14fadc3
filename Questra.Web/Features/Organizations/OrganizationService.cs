using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Questra.Web.Data;

namespace Questra.Web.Features.Organizations;


/// <summary>Organizations, memberships and roles.</summary>
public sealed class OrganizationService(QuestraDbContext db, IOptions<OrganizationOptions> options, TimeProvider clock,
    IEnumerable<INewOrganizationContent> starterContent)
{
    /// <summary>
    /// A newly registered user's start: an organization of their own, unless an invitation waits for their address —
    /// then they join that one when they accept, and can still start their own from the dashboard. Null when none was
    /// made. Saved without sample content, inside the registration's transaction (<see cref="AddStarterContentAsync"/> after it).
    /// </summary>
    public async Task<Organization?> WelcomeNewUserAsync(string userId, string email, CancellationToken ct = default)
    {
        var normalized = email.Trim().ToUpperInvariant();
        if (await db.Invitations.Where(Invitation.PendingAt(clock.GetUtcNow())).AnyAsync(i => i.NormalizedEmail == normalized, ct)) return null;
        return await AddPersonalOrganizationAsync(userId, email.Split('@')[0], ct);
    }

    /// <summary>
    /// Gives a user an organization of their own, as its owner, on the configured plan, with sample surveys where
    /// configured (so the API returns data at once).
    /// </summary>
    public async Task<Organization> CreatePersonalOrganizationAsync(string userId, string displayName, CancellationToken ct = default)
    {
        var org = await AddPersonalOrganizationAsync(userId, displayName, ct);
        await AddStarterContentAsync(org.Id, userId, ct);
        return org;
    }

    private async Task<Organization> AddPersonalOrganizationAsync(string userId, string displayName, CancellationToken ct)
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
        return org;
    }

    /// <summary>Sample surveys for a new organization where configured (Development), so the API returns data at once.</summary>
    internal async Task AddStarterContentAsync(string organizationId, string userId, CancellationToken ct = default)
    {
        if (!options.Value.SeedSampleData) return;
        foreach (var content in starterContent) await content.AddToAsync(organizationId, userId, ct);
    }
}
