using Questra.Web.Features.ApiKeys;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.AuditTrail;

/// <summary>Reading the audit log and usage roll-ups. The org's whole log is for owners and admins only.</summary>
public sealed class AuditLog(QuestraDbContext db)
{
    /// <summary>Most rows one CSV export holds (newest first); a narrower filter or date range gets the rest.</summary>
    public const int MaxExportRows = 100_000;

    public async Task<ServiceResult<Page<AuditEntry>>> QueryAsync(string organizationId, string userId, AuditFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        var (events, error) = await FilteredAsync(organizationId, userId, filter, ct);
        if (events is null) return error!;
        var total = await events.CountAsync(ct);
        var items = await Project(events.OrderByDescending(e => e.Id).Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(ct);
        return new Page<AuditEntry>(items, page, pageSize, total);
    }

    /// <summary>The filtered events, newest first, at most <see cref="MaxExportRows"/>, read as they are written out (for the CSV export).</summary>
    public async Task<ServiceResult<AuditExport>> ExportAsync(string organizationId, string userId, AuditFilter filter, CancellationToken ct = default)
    {
        var (events, error) = await FilteredAsync(organizationId, userId, filter, ct);
        if (events is null) return error!;
        return new AuditExport(Project(events.OrderByDescending(e => e.Id).Take(MaxExportRows)).AsAsyncEnumerable());
    }

    // The events the filter selects, or why there are none to show (not a member, not allowed, a backwards range).
    private async Task<(IQueryable<AuditEvent>? Events, ServiceError? Error)> FilteredAsync(string organizationId, string userId, AuditFilter filter, CancellationToken ct)
    {
        var role = await db.RoleOfAsync(organizationId, userId, ct);
        if (role is null)
        {
            return (null, ServiceError.NotAMember);
        }
        if (role is not (OrgRole.Owner or OrgRole.Admin))
        {
            return (null, ServiceError.Forbidden("Only owners and admins can read the organization's audit log."));
        }
        if (filter.From > filter.To)
        {
            return (null, ServiceError.Field("from", "The first day of the range is after its last day."));
        }
        var events = Events(organizationId);
        if (!string.IsNullOrWhiteSpace(filter.KeyId))
        {
            // A key's id, or part of the name of a key that still exists.
            var term = filter.KeyId.Trim();
            var lowered = term.ToLowerInvariant();
            var named = db.ApiKeys.Where(k => k.OrganizationId == organizationId && k.Name.ToLower().Contains(lowered)).Select(k => k.Id);
            events = events.Where(e => e.TargetId == term || e.ActorApiKeyId == term || named.Contains(e.TargetId!) || named.Contains(e.ActorApiKeyId!));
        }
        if (!string.IsNullOrWhiteSpace(filter.UserId))
        {
            events = events.Where(e => e.ActorUserId == filter.UserId);
        }
        if (!string.IsNullOrWhiteSpace(filter.Type))
        {
            events = events.Where(e => e.Type == filter.Type);
        }
        // Whole UTC days, both ends included.
        if (filter.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            events = events.Where(e => e.OccurredAt >= start);
        }
        if (filter.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            events = events.Where(e => e.OccurredAt < end);
        }
        return (events, null);
    }

    /// <summary>The newest events about one key (callers first check that the user may see the key).</summary>
    internal Task<List<AuditEntry>> ForKeyAsync(string organizationId, string keyId, int count, CancellationToken ct = default) =>
        Project(Events(organizationId).Where(e => e.TargetId == keyId || e.ActorApiKeyId == keyId).OrderByDescending(e => e.Id).Take(count)).ToListAsync(ct);

    /// <summary>Requests per UTC day and endpoint for one key since <paramref name="from"/>.</summary>
    internal Task<List<DailyEndpointCount>> UsageAsync(string keyId, DateOnly from, CancellationToken ct = default) =>
        db.ApiKeyUsage.AsNoTracking()
            .Where(u => u.ApiKeyId == keyId && u.Day >= from)
            .OrderBy(u => u.Day).ThenBy(u => u.Endpoint)
            .Select(u => new DailyEndpointCount(u.Day, u.Endpoint, u.Count))
            .ToListAsync(ct);

    /// <summary>The key's newest refused or failed requests, newest first (callers first check that the user may see the key).</summary>
    internal Task<List<RecentFailure>> FailuresAsync(string keyId, CancellationToken ct = default) =>
        db.ApiKeyFailures.AsNoTracking()
            .Where(f => f.ApiKeyId == keyId)
            .OrderByDescending(f => f.Id)
            .Take(UsageRecorder.FailuresKeptPerKey)
            .Select(f => new RecentFailure(f.OccurredAt, f.Endpoint, f.Status, f.Reason))
            .ToListAsync(ct);

    private IQueryable<AuditEvent> Events(string organizationId) =>
        db.AuditEvents.AsNoTracking().Where(e => e.OrganizationId == organizationId);

    private IQueryable<AuditEntry> Project(IQueryable<AuditEvent> events) =>
        from e in events
        join u in db.Users on e.ActorUserId equals u.Id into actors
        from u in actors.DefaultIfEmpty()
        join t in db.Users on e.TargetId equals t.Id into targetUsers
        from t in targetUsers.DefaultIfEmpty()
        join k in db.ApiKeys on e.TargetId equals k.Id into targetKeys
        from k in targetKeys.DefaultIfEmpty()
        join o in db.Organizations on e.TargetId equals o.Id into targetOrgs
        from o in targetOrgs.DefaultIfEmpty()
        join s in db.Surveys on e.TargetId equals s.Id into targetSurveys
        from s in targetSurveys.DefaultIfEmpty()
        select new AuditEntry(e.Id, e.OccurredAt, e.Type, e.ActorUserId, u == null ? null : u.Email, e.ActorApiKeyId, e.TargetId, e.Ip, e.Details,
            t != null ? t.Email : k != null ? k.Name : o != null ? o.Name : s != null ? s.Title : null);
}

/// <summary>The rows of an audit export, read from the database as they are written out.</summary>
public sealed record AuditExport(IAsyncEnumerable<AuditEntry> Rows);
