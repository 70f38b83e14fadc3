using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Email;

namespace Questra.Web.Features.Organizations;

public sealed record InvitationView(string Id, string OrganizationId, string OrganizationName, string Email, OrgRole Role, string InvitedBy,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Adding someone to an organization is an invitation: owners and admins invite by email (only owners invite
/// owners), the invitee accepts or declines while signed in with that confirmed address, and nothing changes for
/// anyone until they do. Admins see, revoke and resend the pending ones.
/// </summary>
public sealed class InvitationService(QuestraDbContext db, Mailer mailer, MailLimits limits, TimeProvider clock)
{
    public async Task<ServiceResult<InvitationView>> InviteAsync(string organizationId, Caller caller, string? email, OrgRole role, CancellationToken ct = default)
    {
        var callerRole = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        if (callerRole is null) return ServiceError.NotAMember;
        if (callerRole is not (OrgRole.Owner or OrgRole.Admin)) return ServiceError.Forbidden("Only owners and admins can invite people.");
        if (!Invitation.MayGrant(callerRole, role)) return ServiceError.Forbidden("Only owners can invite an owner.");
        var address = email?.Trim() ?? "";
        if (address.Length is 0 or > OutboxMessage.ToMaxLength || !MimeKit.MailboxAddress.TryParse(address, out var parsed) || parsed.Address != address
            || !address.Contains('@'))
        {
            return ServiceError.Field("email", "Enter the email address of the person to invite, e.g. ada@example.com.");
        }
        var normalized = address.ToUpperInvariant();
        var user = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized).Select(u => new { u.Id }).FirstOrDefaultAsync(ct);
        if (user is not null && await db.Memberships.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == user.Id, ct))
        {
            return ServiceError.Field("email", "That person is already a member.");
        }
        var now = clock.GetUtcNow();
        if (await db.Invitations.Where(Invitation.PendingAt(now)).AnyAsync(i => i.OrganizationId == organizationId && i.NormalizedEmail == normalized, ct))
        {
            return ServiceError.Field("email", "That address has a pending invitation already; resend it from the list below.");
        }
        if (await limits.InvitationRefusalAsync(caller.UserId, address, ct) is { } tooMany) return new ServiceError(ErrorKind.Conflict, tooMany);
        var invitation = new Invitation
        {
            Id = Ids.New(Invitation.IdPrefix),
            OrganizationId = organizationId,
            Email = address,
            NormalizedEmail = normalized,
            Role = role,
            InvitedByUserId = caller.UserId,
            CreatedAt = now,
            ExpiresAt = now + Invitation.Lifetime,
        };
        db.Invitations.Add(invitation);
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.MemberInvited, invitation.Id, now, new { email = address, role = role.ToString() });
        await MailAsync(invitation, hasAccount: user is not null, ct);
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync(db.Invitations.Where(i => i.Id == invitation.Id), ct)).Single();
    }

    /// <summary>The organization's pending invitations, for owners and admins.</summary>
    public async Task<ServiceResult<List<InvitationView>>> PendingForOrganizationAsync(string organizationId, Caller caller, CancellationToken ct = default)
    {
        var role = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        if (role is null) return ServiceError.NotAMember;
        if (role is not (OrgRole.Owner or OrgRole.Admin)) return ServiceError.Forbidden("Only owners and admins can see invitations.");
        var now = clock.GetUtcNow();
        return await ViewsAsync(db.Invitations.Where(Invitation.PendingAt(now)).Where(i => i.OrganizationId == organizationId), ct);
    }

    /// <summary>The invitations waiting for this user: to their address, which they have confirmed.</summary>
    public async Task<List<InvitationView>> PendingForUserAsync(string userId, CancellationToken ct = default)
    {
        var email = await ConfirmedEmailAsync(userId, ct);
        if (email is null) return [];
        var now = clock.GetUtcNow();
        return await ViewsAsync(db.Invitations.Where(Invitation.PendingAt(now)).Where(i => i.NormalizedEmail == email), ct);
    }

    /// <summary>Joins the organization with the invited role. The user's current organization stays as it is.</summary>
    public async Task<ServiceResult<InvitationView>> AcceptAsync(string userId, string invitationId, string? ip, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (error, invitation) = await FindMineAsync(userId, invitationId, ct);
        if (error is not null) return error;
        await db.LockOrganizationAsync(invitation!.OrganizationId, ct);
        var now = clock.GetUtcNow();
        // An invitation grants no more than its sender may grant now: a sender since removed or demoted (or whose
        // account is gone) can no longer bring anyone in with that role.
        var inviterRole = await db.RoleOfAsync(invitation.OrganizationId, invitation.InvitedByUserId, ct);
        if (!Invitation.MayGrant(inviterRole, invitation.Role))
        {
            invitation.RevokedAt = now;
            db.AddAuditEvent(invitation.OrganizationId, new Caller(userId, ip), AuditEventTypes.InvitationRevoked, invitation.Id, now,
                new { email = invitation.Email, reason = "the sender can no longer grant this role" });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new ServiceError(ErrorKind.Conflict,
                "This invitation is no longer valid: the person who sent it can no longer grant that role. Ask an owner or admin to invite you again.");
        }
        invitation.AcceptedAt = now;
        if (!await db.Memberships.AnyAsync(m => m.OrganizationId == invitation.OrganizationId && m.UserId == userId, ct))
        {
            db.Memberships.Add(new Membership { OrganizationId = invitation.OrganizationId, UserId = userId, Role = invitation.Role, JoinedAt = now });
            db.AddAuditEvent(invitation.OrganizationId, new Caller(userId, ip), AuditEventTypes.MemberAdded, userId, now,
                new { email = invitation.Email, role = invitation.Role.ToString(), invitation = invitation.Id });
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (await ViewsAsync(db.Invitations.Where(i => i.Id == invitation.Id), ct)).Single();
    }

    public async Task<ServiceResult<bool>> DeclineAsync(string userId, string invitationId, string? ip, CancellationToken ct = default)
    {
        var (error, invitation) = await FindMineAsync(userId, invitationId, ct);
        if (error is not null) return error;
        var now = clock.GetUtcNow();
        invitation!.DeclinedAt = now;
        db.AddAuditEvent(invitation.OrganizationId, new Caller(userId, ip), AuditEventTypes.InvitationDeclined, invitation.Id, now, new { email = invitation.Email });
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<ServiceResult<bool>> RevokeAsync(string organizationId, Caller caller, string invitationId, CancellationToken ct = default)
    {
        var (error, invitation) = await FindManagedAsync(organizationId, caller, invitationId, ct);
        if (error is not null) return error;
        var now = clock.GetUtcNow();
        invitation!.RevokedAt = now;
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.InvitationRevoked, invitation.Id, now, new { email = invitation.Email });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Withdraws the pending invitations <paramref name="inviterId"/> sent in the organization that their role
    /// (<paramref name="role"/>, null once removed) no longer lets them grant, each with an audit event; in the
    /// caller's transaction (the membership change that caused it).
    /// </summary>
    internal static async Task WithdrawBeyondAsync(QuestraDbContext db, string organizationId, string inviterId, OrgRole? role, Caller caller,
        DateTimeOffset now, CancellationToken ct)
    {
        var pending = await db.Invitations.Where(Invitation.PendingAt(now))
            .Where(i => i.OrganizationId == organizationId && i.InvitedByUserId == inviterId).ToListAsync(ct);
        foreach (var invitation in pending.Where(i => !Invitation.MayGrant(role, i.Role)))
        {
            invitation.RevokedAt = now;
            db.AddAuditEvent(organizationId, caller, AuditEventTypes.InvitationRevoked, invitation.Id, now,
                new { email = invitation.Email, reason = role is null ? "the sender was removed" : $"the sender is now {role}" });
        }
    }

    /// <summary>Sends the invitation again and keeps it open for another seven days.</summary>
    public async Task<ServiceResult<bool>> ResendAsync(string organizationId, Caller caller, string invitationId, CancellationToken ct = default)
    {
        var (error, invitation) = await FindManagedAsync(organizationId, caller, invitationId, ct);
        if (error is not null) return error;
        if (await limits.InvitationRefusalAsync(caller.UserId, invitation!.Email, ct) is { } tooMany) return new ServiceError(ErrorKind.Conflict, tooMany);
        invitation.ExpiresAt = clock.GetUtcNow() + Invitation.Lifetime;
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.InvitationResent, invitation.Id, clock.GetUtcNow(), new { email = invitation.Email });
        var hasAccount = await db.Users.AnyAsync(u => u.NormalizedEmail == invitation.NormalizedEmail, ct);
        await MailAsync(invitation, hasAccount, ct);
        await db.SaveChangesAsync(ct);
        return true;
    }

    private async Task<(ServiceError? Error, Invitation? Invitation)> FindMineAsync(string userId, string invitationId, CancellationToken ct)
    {
        var email = await ConfirmedEmailAsync(userId, ct);
        var invitation = email is null ? null : await db.Invitations.FirstOrDefaultAsync(i => i.Id == invitationId && i.NormalizedEmail == email, ct);
        if (invitation is null) return (ServiceError.NotFound("No invitation for you with that id (it is for another address, or your address is not confirmed)."), null);
        if (!invitation.IsPendingAt(clock.GetUtcNow()))
        {
            return (new ServiceError(ErrorKind.Conflict, invitation.RevokedAt is not null ? "This invitation was withdrawn."
                : invitation.AcceptedAt is not null ? "You accepted this invitation already."
                : invitation.DeclinedAt is not null ? "You declined this invitation." : "This invitation has expired; ask for a new one."), null);
        }
        return (null, invitation);
    }

    private async Task<(ServiceError? Error, Invitation? Invitation)> FindManagedAsync(string organizationId, Caller caller, string invitationId, CancellationToken ct)
    {
        var role = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        if (role is null) return (ServiceError.NotAMember, null);
        if (role is not (OrgRole.Owner or OrgRole.Admin)) return (ServiceError.Forbidden("Only owners and admins can manage invitations."), null);
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.Id == invitationId && i.OrganizationId == organizationId, ct);
        if (invitation is null) return (ServiceError.NotFound("No invitation with that id in this organization."), null);
        if (invitation.AcceptedAt is not null || invitation.DeclinedAt is not null || invitation.RevokedAt is not null)
        {
            return (new ServiceError(ErrorKind.Conflict, "This invitation was answered or withdrawn already."), null);
        }
        return (null, invitation);
    }

    private Task<string?> ConfirmedEmailAsync(string userId, CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => u.Id == userId && u.EmailConfirmed).Select(u => u.NormalizedEmail).FirstOrDefaultAsync(ct);

    private async Task MailAsync(Invitation invitation, bool hasAccount, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().Where(o => o.Id == invitation.OrganizationId).Select(o => o.Name).FirstAsync(ct);
        var inviter = await db.Users.AsNoTracking().Where(u => u.Id == invitation.InvitedByUserId).Select(u => u.Email).FirstOrDefaultAsync(ct) ?? "A Questra user";
        mailer.Enqueue(InvitationMessages.Invite(invitation.Email, org, invitation.Role.ToString(), inviter, hasAccount, mailer.BaseUrl(),
            invitation.ExpiresAt, clock.GetUtcNow()));
    }

    private Task<List<InvitationView>> ViewsAsync(IQueryable<Invitation> invitations, CancellationToken ct) =>
        (from i in invitations.AsNoTracking()
         join o in db.Organizations on i.OrganizationId equals o.Id
         join u in db.Users on i.InvitedByUserId equals u.Id into inviters
         from u in inviters.DefaultIfEmpty()
         orderby i.CreatedAt descending, i.Id
         select new InvitationView(i.Id, i.OrganizationId, o.Name, i.Email, i.Role, u == null ? "(deleted account)" : u.Email ?? "", i.CreatedAt, i.ExpiresAt))
        .ToListAsync(ct);
}
