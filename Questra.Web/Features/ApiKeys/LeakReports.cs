using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// The leaked-key report: anyone who finds a Questra key's secret (in a public repository, a paste, a log) can send it
/// here, without signing in, and every working key among what they send is revoked with the keys made from it; its
/// owner and the organization's owners and admins are mailed where the report came from, <c>api_key.leak_reported</c>
/// is audited and sent to webhooks. The caller learns nothing about what matched: the answer never changes. (Whoever
/// holds a working secret can already learn it works by using it; the report gives them nothing more.)
/// </summary>
public sealed class LeakReports(QuestraDbContext db, KeyNotices notices, ApiKeyCacheSync cacheSync, TimeProvider clock, ILogger<LeakReports> logger)
{
    public const int MaxCredentials = 100;

    /// <summary>Revokes every working key whose secret is among <paramref name="credentials"/>. Returns how many keys it revoked (for the log and tests, never the caller).</summary>
    public async Task<int> ReportAsync(IEnumerable<string> credentials, string reportedFrom, CancellationToken ct = default)
    {
        // Only well-formed secrets with a valid checksum are looked up: a typo or a random string costs no database read.
        var hashes = credentials.Where(c => c.Length == ApiKeySecret.Length && ApiKeySecret.CheckFormat(c) == SecretFormat.Valid)
            .Distinct(StringComparer.Ordinal).Select(ApiKeySecret.Hash).ToList();
        var revoked = 0;
        foreach (var hash in hashes)
        {
            revoked += await RevokeAsync(hash, reportedFrom, ct);
        }
        if (revoked > 0)
        {
            await cacheSync.KeysChangedAsync();
            logger.LogWarning("A leaked-key report from {Address} revoked {Count} key(s).", reportedFrom, revoked);
        }
        return revoked;
    }

    private async Task<int> RevokeAsync(byte[] hash, string reportedFrom, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.SecretHash == hash, ct);
        if (key is null || key.RevokedAt is not null || key.ExpiresAt <= now) return 0;
        // Only while still unrevoked: a concurrent revocation (or a second report) wins and this one changes nothing.
        var changed = await db.ApiKeys.Where(k => k.Id == key.Id && k.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct);
        if (changed == 0) return 0;
        key.RevokedAt = now;
        db.AddSystemKeyEvent(key.OrganizationId, key.Id, AuditEventTypes.ApiKeyRevoked, now,
            new { name = key.Name, prefix = key.Prefix, reason = KeyLineage.ReasonLeakReported }, reportedFrom);
        var descendants = await KeyLineage.RevokeDescendantsAsync(db, key.OrganizationId, [key.Id], caller: null, now, KeyLineage.ReasonLeakReported, ct, reportedFrom);
        db.AddSystemKeyEvent(key.OrganizationId, key.Id, AuditEventTypes.ApiKeyLeakReported, now,
            new { name = key.Name, prefix = key.Prefix, reported_from = reportedFrom, descendants_revoked = descendants }, reportedFrom);
        await notices.LeakReportedAsync(key, reportedFrom, descendants, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return 1 + descendants;
    }
}
