using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.Accounts;

public sealed record OrgRef(string Id, string Name);

/// <summary>
/// What deleting an account would do: organizations that stop it (the user is their last owner and others remain)
/// and organizations that go with it (the user is their only member).
/// </summary>
public sealed record AccountDeletionPlan(IReadOnlyList<OrgRef> Blocking, IReadOnlyList<OrgRef> DeletedWithIt)
{
    public bool Allowed => Blocking.Count == 0;
}

/// <summary>
/// Deleting an account keeps the organization rule — an organization always has an owner — and the key rule: the
/// user's keys stop in every organization they leave, for good.
/// </summary>
public sealed class AccountService(QuestraDbContext db, UserManager<ApplicationUser> users, IMemberKeys memberKeys, TimeProvider clock,
    Surveys.PublicForms forms)
{
    public Task<AccountDeletionPlan> PlanDeletionAsync(string userId, CancellationToken ct = default) => PlanAsync(userId, lockEach: false, ct);

    /// <summary>
    /// Deletes the account. Refused while the user is the last owner of an organization with other members; the
    /// organizations the user is alone in are deleted with it (surveys, keys and all) only when
    /// <paramref name="confirmedOrgIds"/> names each of them.
    /// </summary>
    public async Task<ServiceResult<AccountDeletionPlan>> DeleteAsync(ApplicationUser user, IReadOnlyCollection<string> confirmedOrgIds, string? ip,
        CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var plan = await PlanAsync(user.Id, lockEach: true, ct);
        if (!plan.Allowed)
        {
            return new ServiceError(ErrorKind.Conflict, BlockingMessage(plan.Blocking));
        }
        if (plan.DeletedWithIt.Any(o => !confirmedOrgIds.Contains(o.Id)))
        {
            return ServiceError.Field("confirm", $"Confirm that {Names(plan.DeletedWithIt)} will be deleted with your account.");
        }

        var now = clock.GetUtcNow();
        var caller = new Caller(user.Id, ip);
        var deleted = plan.DeletedWithIt.Select(o => o.Id).ToList();
        var left = await db.Memberships.Where(m => m.UserId == user.Id && !deleted.Contains(m.OrganizationId)).Select(m => m.OrganizationId).ToListAsync(ct);
        foreach (var org in left)
        {
            db.AddAuditEvent(org, caller, AuditEventTypes.MemberRemoved, user.Id, now, new { reason = "account_deleted" });
            await memberKeys.RevokeKeysOfMemberAsync(db, org, user.Id, caller, now, ct);
        }
        await db.SaveChangesAsync(ct);
        foreach (var org in deleted)
        {
            await memberKeys.RetireKeysOfOrganizationAsync(db, org, now, ct);
            await db.AuditEvents.Where(e => e.OrganizationId == org).ExecuteDeleteAsync(ct);
            await db.Users.Where(u => u.SelectedOrganizationId == org).ExecuteUpdateAsync(s => s.SetProperty(u => u.SelectedOrganizationId, (string?)null), ct);
            await db.Organizations.Where(o => o.Id == org).ExecuteDeleteAsync(ct); // memberships, surveys, keys go with it
        }
        if (deleted.Count > 0 && db.Database.IsNpgsql())
        {
            // Their surveys' public forms go too: every instance forgets the forms it kept (a notice naming none).
            await db.Database.ExecuteSqlRawAsync(Surveys.PublicForms.NotifySql("''"), ct);
        }
        var result = await users.DeleteAsync(user);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Deleting user {user.Id} failed: {string.Join("; ", result.Errors.Select(e => e.Code))}");
        }
        try
        {
            await tx.CommitAsync(ct);
        }
        finally
        {
            if (deleted.Count > 0) forms.ForgetAll();
        }
        await memberKeys.KeysChangedAsync();
        return plan;
    }

    public static string BlockingMessage(IReadOnlyList<OrgRef> blocking) =>
        $"You are the last owner of {Names(blocking)}, which {(blocking.Count == 1 ? "has" : "have")} other members. " +
        "Make someone else an owner first (Settings → Members), then delete your account.";

    private static string Names(IReadOnlyList<OrgRef> orgs) => string.Join(", ", orgs.Select(o => $"\"{o.Name}\""));

    private async Task<AccountDeletionPlan> PlanAsync(string userId, bool lockEach, CancellationToken ct)
    {
        var orgs = await db.Memberships.AsNoTracking().Where(m => m.UserId == userId)
            .Select(m => new OrgRef(m.OrganizationId, m.Organization!.Name)).ToListAsync(ct);
        var blocking = new List<OrgRef>();
        var deleted = new List<OrgRef>();
        foreach (var org in orgs.OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            // Under the organization's lock, roles read now cannot change before this transaction ends.
            if (lockEach) await db.LockOrganizationAsync(org.Id, ct);
            var members = await db.Memberships.AsNoTracking().Where(m => m.OrganizationId == org.Id)
                .Select(m => new { m.UserId, m.Role }).ToListAsync(ct);
            var mine = members.FirstOrDefault(m => m.UserId == userId);
            if (mine is null) continue;
            if (members.Count == 1) deleted.Add(org);
            else if (mine.Role == OrgRole.Owner && members.Count(m => m.Role == OrgRole.Owner) == 1) blocking.Add(org);
        }
        return new AccountDeletionPlan(blocking, deleted);
    }
}
