using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;

namespace Questra.Web.Features.Organizations;

/// <summary>A member as the settings page lists them; <see cref="IsLastOwner"/>: the rule below forbids demoting or removing them.</summary>
public sealed record MemberView(string UserId, string Email, OrgRole Role, DateTimeOffset JoinedAt, bool IsLastOwner = false);

/// <summary>
/// Organization settings and members. Owners and admins manage them; only owners make or unmake owners; the
/// last owner can be neither demoted nor removed. A key follows its owner's role on its next request.
/// </summary>
public sealed class MembershipService(QuestraDbContext db, TimeProvider clock, IMemberKeys memberKeys)
{
    /// <summary>The members, for owners and admins (the caller's role is read now, not taken from an open page).</summary>
    public async Task<ServiceResult<List<MemberView>>> ListAsync(string organizationId, Caller caller, CancellationToken ct = default)
    {
        var role = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        if (role is null) return ServiceError.NotAMember;
        if (role is not (OrgRole.Owner or OrgRole.Admin)) return ServiceError.Forbidden("Only owners and admins can see the members.");
        var members = await MembersAsync(organizationId, ct);
        // The same rule ChangeRoleAsync and RemoveAsync enforce, said up front.
        return members.Count(m => m.Role == OrgRole.Owner) == 1
            ? members.Select(m => m.Role == OrgRole.Owner ? m with { IsLastOwner = true } : m).ToList()
            : members;
    }

    private async Task<List<MemberView>> MembersAsync(string organizationId, CancellationToken ct) =>
        await (from m in db.Memberships.AsNoTracking()
               join u in db.Users.AsNoTracking() on m.UserId equals u.Id
               where m.OrganizationId == organizationId
               orderby m.Role descending, u.Email
               select new MemberView(m.UserId, u.Email ?? u.UserName ?? m.UserId, m.Role, m.JoinedAt)).ToListAsync(ct);

    /// <summary>Whether owners and admins are told by email of every key created in the organization.</summary>
    public Task<ServiceResult<Organization>> SetKeyNoticesAsync(string organizationId, Caller caller, bool notify, CancellationToken ct = default) =>
        ChangeSettingAsync(organizationId, caller, org =>
        {
            if (org.NotifyAdminsOfNewKeys == notify) return null;
            org.NotifyAdminsOfNewKeys = notify;
            return new { setting = "notify_admins_of_new_keys", to = notify };
        }, ct);

    /// <summary>
    /// The smallest count the API's per-question aggregates show (1 to <see cref="Organization.MaxMinCellSize"/>):
    /// smaller ones, and what would give them back, are withheld. Takes effect on the next request.
    /// </summary>
    public Task<ServiceResult<Organization>> SetMinCellSizeAsync(string organizationId, Caller caller, int? size, CancellationToken ct = default)
    {
        if (size is not { } value || value < 1 || value > Organization.MaxMinCellSize)
        {
            return Task.FromResult<ServiceResult<Organization>>(ServiceError.Field("min_cell_size",
                $"Enter a whole number from 1 (show every count) to {Organization.MaxMinCellSize}; {Organization.DefaultMinCellSize} is a common choice."));
        }
        return ChangeSettingAsync(organizationId, caller, org =>
        {
            if (org.MinCellSize == value) return null;
            var before = org.MinCellSize;
            org.MinCellSize = value;
            return new { setting = "min_cell_size", from = before, to = value };
        }, ct);
    }

    public const int OrganizationNameMaxLength = 100;

    /// <summary>Renames the organization: 1–100 characters of plain text (the name shows in the sidebar and in emails).</summary>
    public async Task<ServiceResult<Organization>> RenameAsync(string organizationId, Caller caller, string? name, CancellationToken ct = default)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) return ServiceError.Field("name", "Enter a name for the organization.");
        if (trimmed.Length > OrganizationNameMaxLength) return ServiceError.Field("name", $"The name can be at most {OrganizationNameMaxLength} characters.");
        if (PlainText.FirstDisguising(trimmed) is not null)
        {
            return ServiceError.Field("name", "The name contains a control or invisible character; use plain text.");
        }
        return await ChangeSettingAsync(organizationId, caller, org =>
        {
            if (org.Name == trimmed) return null;
            var before = org.Name;
            org.Name = trimmed;
            return new { setting = "name", from = before, to = trimmed };
        }, ct);
    }

    /// <summary>Who may create API keys in the organization.</summary>
    public Task<ServiceResult<Organization>> SetApiKeyCreationAsync(string organizationId, Caller caller, ApiKeyCreationPolicy policy, CancellationToken ct = default) =>
        ChangeSettingAsync(organizationId, caller, org =>
        {
            if (org.ApiKeyCreation == policy) return null;
            var before = org.ApiKeyCreation;
            org.ApiKeyCreation = policy;
            return new { setting = "api_key_creation", from = before.ToString(), to = policy.ToString() };
        }, ct);

    // Owners and admins change settings; apply returns the audit details of a change, or null when nothing changed.
    private async Task<ServiceResult<Organization>> ChangeSettingAsync(string organizationId, Caller caller, Func<Organization, object?> apply, CancellationToken ct)
    {
        var role = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        if (role is null) return ServiceError.NotAMember;
        if (role is not (OrgRole.Owner or OrgRole.Admin))
        {
            return ServiceError.Forbidden("Only owners and admins can change the organization's settings.");
        }
        var org = await db.Organizations.FirstAsync(o => o.Id == organizationId, ct);
        if (apply(org) is { } details)
        {
            Audit(organizationId, caller, AuditEventTypes.OrgSettingsChanged, organizationId, details);
            await db.SaveChangesAsync(ct);
        }
        return org;
    }

    public async Task<ServiceResult<OrgRole>> ChangeRoleAsync(string organizationId, Caller caller, string userId, OrgRole role, CancellationToken ct = default)
    {
        // Checks and change in one transaction, under the organization's lock: two owners demoting each other at
        // the same moment are served one after the other, and the second finds it is no longer an owner.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.LockOrganizationAsync(organizationId, ct);
        var (error, membership, callerRole) = await FindManagedAsync(organizationId, caller, userId, ct);
        if (error is not null) return error;
        if (membership!.Role == role) return role;
        if ((role == OrgRole.Owner || membership.Role == OrgRole.Owner) && callerRole != OrgRole.Owner)
        {
            return ServiceError.Forbidden("Only owners can make someone an owner or change an owner's role.");
        }
        if (membership.Role == OrgRole.Owner && await IsLastOwnerAsync(organizationId, ct))
        {
            return new ServiceError(ErrorKind.Conflict, "The last owner cannot be demoted. Make someone else an owner first.");
        }
        var before = membership.Role;
        membership.Role = role;
        Audit(organizationId, caller, AuditEventTypes.MemberRoleChanged, userId, new { from = before.ToString(), to = role.ToString() });
        await InvitationService.WithdrawBeyondAsync(db, organizationId, userId, role, caller, clock.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await memberKeys.KeysChangedAsync(); // the member's keys shrink with them from the next request on
        return role;
    }

    public async Task<ServiceResult<bool>> RemoveAsync(string organizationId, Caller caller, string userId, CancellationToken ct = default)
    {
        // One transaction under the organization's lock: the last-owner check holds against concurrent changes, the
        // membership goes, and every key the member made in this org is revoked for good, so adding them back
        // later brings no key back.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.LockOrganizationAsync(organizationId, ct);
        var (error, membership, callerRole) = await FindManagedAsync(organizationId, caller, userId, ct);
        if (error is not null) return error;
        if (membership!.Role == OrgRole.Owner && callerRole != OrgRole.Owner)
        {
            return ServiceError.Forbidden("Only owners can remove an owner.");
        }
        if (membership.Role == OrgRole.Owner && await IsLastOwnerAsync(organizationId, ct))
        {
            return new ServiceError(ErrorKind.Conflict, "The last owner cannot be removed. Make someone else an owner first.");
        }
        db.Memberships.Remove(membership);
        Audit(organizationId, caller, AuditEventTypes.MemberRemoved, userId, new { role = membership.Role.ToString() });
        await InvitationService.WithdrawBeyondAsync(db, organizationId, userId, null, caller, clock.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        await memberKeys.RevokeKeysOfMemberAsync(db, organizationId, userId, caller, clock.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct); // the revocations' audit events
        await tx.CommitAsync(ct);
        await memberKeys.KeysChangedAsync(); // the member's keys stop from the next request on
        return true;
    }

    private async Task<(ServiceError? Error, Membership? Membership, OrgRole? CallerRole)> FindManagedAsync(string organizationId, Caller caller, string userId, CancellationToken ct)
    {
        var callerRole = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        if (callerRole is null)
        {
            return (ServiceError.NotAMember, null, null);
        }
        if (callerRole is not (OrgRole.Owner or OrgRole.Admin))
        {
            return (ServiceError.Forbidden("Only owners and admins can manage members."), null, callerRole);
        }
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, ct);
        return membership is null
            ? (ServiceError.NotFound("That person is not a member of this organization."), null, callerRole)
            : (null, membership, callerRole);
    }

    private async Task<bool> IsLastOwnerAsync(string organizationId, CancellationToken ct) =>
        await db.Memberships.CountAsync(m => m.OrganizationId == organizationId && m.Role == OrgRole.Owner, ct) <= 1;

    private void Audit(string organizationId, Caller caller, string type, string targetId, object details) =>
        db.AddAuditEvent(organizationId, caller, type, targetId, clock.GetUtcNow(), details);
}
