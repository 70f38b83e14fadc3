using System.Linq.Expressions;

namespace Questra.Web.Features.Organizations;

/// <summary>
/// An invitation to join an organization, addressed to an email address. Only a signed-in user whose confirmed
/// address it is can accept it (no token in any link): joining happens on their click and nobody else's.
/// </summary>
public sealed class Invitation
{
    public const string IdPrefix = "inv_";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public required string Id { get; init; }
    public required string OrganizationId { get; init; }

    /// <summary>As typed by the inviter (trimmed), to address the mail.</summary>
    public required string Email { get; init; }

    /// <summary>Upper-cased, as Identity normalizes emails: what an account's address is matched against.</summary>
    public required string NormalizedEmail { get; init; }

    public OrgRole Role { get; init; }
    public required string InvitedByUserId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public DateTimeOffset? DeclinedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>
    /// Whether a member with <paramref name="inviterRole"/> (null: no longer a member) may grant <paramref name="role"/>
    /// by invitation: owners any role, admins admin or member, members none. Checked when inviting, again on
    /// accepting, and for the pending invitations of a member who is demoted or removed.
    /// </summary>
    public static bool MayGrant(OrgRole? inviterRole, OrgRole role) => inviterRole switch
    {
        OrgRole.Owner => true,
        OrgRole.Admin => role != OrgRole.Owner,
        _ => false,
    };

    /// <summary>Still open at <paramref name="now"/>: neither answered nor withdrawn, nor expired (as a query filter).</summary>
    public static Expression<Func<Invitation, bool>> PendingAt(DateTimeOffset now) =>
        i => i.AcceptedAt == null && i.DeclinedAt == null && i.RevokedAt == null && i.ExpiresAt > now;

    /// <summary>The same test on a loaded invitation (kept beside <see cref="PendingAt"/> so the two stay one rule).</summary>
    public bool IsPendingAt(DateTimeOffset now) => AcceptedAt is null && DeclinedAt is null && RevokedAt is null && ExpiresAt > now;
}
