using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Email;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Mail to a key's owner about their key: created, rolled, revoked or deleted by someone else, expiring. Written
/// into the outbox of the change's own unit of work (the caller saves it with the change). Never the secret.
/// </summary>
public sealed class KeyNotices(QuestraDbContext db, Mailer mailer, TimeProvider clock)
{
    /// <summary>To the owner; and, where the organization asks for it, to every other owner and admin.</summary>
    public async Task CreatedAsync(ApiKey key, Caller caller, CancellationToken ct)
    {
        if (await DescribeAsync(key, caller, ct) is not { } notice) return;
        mailer.Enqueue(Messages.KeyCreated(notice.To, notice.Key, clock.GetUtcNow()));
        if (!await db.Organizations.AnyAsync(o => o.Id == key.OrganizationId && o.NotifyAdminsOfNewKeys, ct)) return;
        var admins = await db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == key.OrganizationId && m.UserId != key.CreatedByUserId && (m.Role == Organizations.OrgRole.Owner || m.Role == Organizations.OrgRole.Admin))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.Email).Where(e => e != null).ToListAsync(ct);
        foreach (var admin in admins)
        {
            mailer.Enqueue(Messages.KeyCreatedInOrganization(admin!, notice.Key, notice.To, clock.GetUtcNow()));
        }
    }

    public async Task RolledAsync(ApiKey old, ApiKey replacement, Caller caller, CancellationToken ct)
    {
        if (await DescribeAsync(old, caller, ct) is { } notice)
        {
            mailer.Enqueue(Messages.KeyRolled(notice.To, notice.Key, replacement.Prefix, clock.GetUtcNow()));
        }
    }

    /// <summary>Revoked or deleted by someone other than the owner (an owner stopping their own key needs no mail).</summary>
    public async Task StoppedAsync(ApiKey key, Caller caller, string what, int descendants, CancellationToken ct)
    {
        if (caller.UserId != key.CreatedByUserId && await DescribeAsync(key, caller, ct) is { } notice)
        {
            mailer.Enqueue(Messages.KeyStoppedBySomeoneElse(notice.To, notice.Key, what, descendants, clock.GetUtcNow()));
        }
    }

    /// <summary>The 7-day or 1-day notice; the outbox's dedupe key keeps it to one per key and threshold.</summary>
    public async Task ExpiringAsync(ApiKey key, int days, CancellationToken ct)
    {
        if (key.ExpiresAt is { } at && await DescribeAsync(key, null, ct) is { } notice)
        {
            mailer.Enqueue(Messages.KeyExpiring(notice.To, notice.Key, at, days, clock.GetUtcNow()));
        }
    }

    /// <summary>A key revoked by a leak report: to its owner and every owner and admin of the organization, saying where the report came from.</summary>
    public async Task LeakReportedAsync(ApiKey key, string reportedFrom, int descendants, CancellationToken ct)
    {
        if (await DescribeAsync(key, null, ct) is not { } notice) return;
        var admins = await db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == key.OrganizationId && (m.Role == Organizations.OrgRole.Owner || m.Role == Organizations.OrgRole.Admin))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.Email).Where(e => e != null).ToListAsync(ct);
        foreach (var to in admins.Prepend(notice.To).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            mailer.Enqueue(Messages.KeyLeakReported(to!, notice.Key, reportedFrom, descendants, clock.GetUtcNow()));
        }
    }

    private async Task<(string To, KeyNotice Key)?> DescribeAsync(ApiKey key, Caller? caller, CancellationToken ct)
    {
        if (!mailer.Enabled) return null;
        var owner = await db.Users.AsNoTracking().Where(u => u.Id == key.CreatedByUserId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        if (string.IsNullOrEmpty(owner)) return null;
        var org = await db.Organizations.AsNoTracking().Where(o => o.Id == key.OrganizationId).Select(o => o.Name).FirstOrDefaultAsync(ct) ?? key.OrganizationId;
        var by = caller is null ? "Questra"
            : caller.UserId == key.CreatedByUserId ? (caller.ApiKeyId is { } viaKey ? $"you, through the API key {viaKey}" : "you, in the dashboard")
            : (await db.Users.AsNoTracking().Where(u => u.Id == caller.UserId).Select(u => u.Email).FirstOrDefaultAsync(ct) ?? "another member")
                + (caller.ApiKeyId is { } otherKey ? $" through the API key {otherKey}" : "");
        var from = caller?.Ip is { Length: > 0 } ip ? $", from {ip}" : "";
        var expiry = key.ExpiresAt is { } e ? $"expires {e:yyyy-MM-dd HH:mm} UTC" : "never expires";
        return (owner, new KeyNotice(key.Id, key.Name, key.Prefix, string.Join(' ', ApiScopeNames.ToNames(key.Scopes)), expiry, org, by, from,
            mailer.Link("settings/api-keys")));
    }
}
