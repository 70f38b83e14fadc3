using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Keys made by keys form trees (<see cref="ApiKey.ParentKeyId"/>). What happens to a key's descendants when it
/// is revoked, deleted, rolled or loses its owner lives here, so that no key outlives the key that made it.
/// Every method runs inside the caller's transaction and leaves saving the audit events to it.
/// </summary>
/// <remarks>
/// Races with a create or a roll: a key gets a child (a new key, or a rolled key's replacement) only after its row
/// is locked and seen unrevoked
/// (<see cref="LockLiveParentAsync"/>). A revocation writes each level of the tree before it reads that level's
/// children, so a child added concurrently is either read here or finds its parent already revoked.
/// </remarks>
public static class KeyLineage
{
    /// <summary>How many keys may stand above a key made through the API (a key made by a key made by … the dashboard's).</summary>
    public const int MaxDepth = 10;

    /// <summary>
    /// How far the checks walk up a key's ancestors. Beyond <see cref="MaxDepth"/> by a margin, for trees made before
    /// the limit; a walk that stops with ancestors left fails closed (no address allowed).
    /// </summary>
    public const int MaxWalk = 64;

    public const string ReasonAncestorRevoked = "ancestor_revoked";
    public const string ReasonAncestorDeleted = "ancestor_deleted";
    public const string ReasonOwnerRemoved = "owner_removed";
    public const string ReasonLeakReported = "leak_reported";

    /// <summary>
    /// Revokes every key descended from <paramref name="rootIds"/> (not the roots themselves), with an audit event each;
    /// a null <paramref name="caller"/> is Questra itself (a leak report), <paramref name="ip"/> then where it came from.
    /// </summary>
    public static async Task<int> RevokeDescendantsAsync(QuestraDbContext db, string organizationId, IReadOnlyCollection<string> rootIds,
        Caller? caller, DateTimeOffset now, string reason, CancellationToken ct, string? ip = null)
    {
        var revoked = 0;
        await WalkDescendantsAsync(db, organizationId, rootIds,
            q => q.Select(k => new { k.Id, k.ParentKeyId, k.Name, k.Prefix, k.RevokedAt }).ToListAsync(ct), c => c.Id,
            async level =>
            {
                var live = level.Where(c => c.RevokedAt is null).ToList();
                if (live.Count == 0) return;
                var ids = live.Select(c => c.Id).ToList();
                await db.ApiKeys.Where(k => ids.Contains(k.Id) && k.RevokedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct);
                foreach (var child in live)
                {
                    var details = new { name = child.Name, prefix = child.Prefix, reason, parent = child.ParentKeyId, root = rootIds.Count == 1 ? rootIds.First() : null };
                    if (caller is null) db.AddSystemKeyEvent(organizationId, child.Id, AuditEventTypes.ApiKeyRevoked, now, details, ip);
                    else db.AddAuditEvent(organizationId, caller, AuditEventTypes.ApiKeyRevoked, child.Id, now, details);
                }
                revoked += live.Count;
            });
        return revoked;
    }

    /// <summary>Removing a member revokes every key they made in the org, and everything descended from those, for good.</summary>
    public static async Task<int> RevokeKeysOfMemberAsync(QuestraDbContext db, string organizationId, string userId, Caller caller,
        DateTimeOffset now, CancellationToken ct)
    {
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.OrganizationId == organizationId && k.CreatedByUserId == userId)
            .Select(k => new { k.Id, k.Name, k.Prefix, k.RevokedAt })
            .ToListAsync(ct);
        var live = keys.Where(k => k.RevokedAt is null).ToList();
        if (live.Count > 0)
        {
            var ids = live.Select(k => k.Id).ToList();
            await db.ApiKeys.Where(k => ids.Contains(k.Id) && k.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct);
            foreach (var key in live)
            {
                db.AddAuditEvent(organizationId, caller, AuditEventTypes.ApiKeyRevoked, key.Id, now,
                    new { name = key.Name, prefix = key.Prefix, reason = ReasonOwnerRemoved, owner = userId });
            }
        }
        var descendants = await RevokeDescendantsAsync(db, organizationId, keys.Select(k => k.Id).ToList(), caller, now, ReasonOwnerRemoved, ct);
        return live.Count + descendants;
    }

    /// <summary>A key whose expiry was brought forward: no descendant may outlive it.</summary>
    public static Task ClampDescendantsExpiryAsync(QuestraDbContext db, string organizationId, string rootId, DateTimeOffset expiresAt, CancellationToken ct) =>
        WalkDescendantsAsync(db, organizationId, [rootId], q => q.Select(k => k.Id).ToListAsync(ct), id => id,
            level => db.ApiKeys.Where(k => level.Contains(k.Id) && (k.ExpiresAt == null || k.ExpiresAt > expiresAt))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, expiresAt), ct));

    /// <summary>The keys descended from a key that still work: what stops with it if it is revoked or deleted.</summary>
    public static async Task<int> CountWorkingDescendantsAsync(QuestraDbContext db, string organizationId, string rootId, DateTimeOffset now, CancellationToken ct)
    {
        var count = 0;
        await WalkDescendantsAsync(db, organizationId, [rootId],
            q => q.Select(k => new { k.Id, k.RevokedAt, k.ExpiresAt }).ToListAsync(ct), c => c.Id,
            level =>
            {
                count += level.Count(c => c.RevokedAt is null && (c.ExpiresAt is null || c.ExpiresAt > now));
                return Task.CompletedTask;
            });
        return count;
    }

    /// <summary>
    /// Visits a key tree one level at a time: reads the children of the previous level, hands them to
    /// <paramref name="visit"/> (which may write them), and only then reads their children.
    /// </summary>
    private static async Task WalkDescendantsAsync<T>(QuestraDbContext db, string organizationId, IEnumerable<string> rootIds,
        Func<IQueryable<ApiKey>, Task<List<T>>> read, Func<T, string> idOf, Func<List<T>, Task> visit)
    {
        var seen = new HashSet<string>(rootIds, StringComparer.Ordinal);
        var frontier = seen.ToList();
        while (frontier.Count > 0)
        {
            var parents = frontier;
            var level = await read(db.ApiKeys.AsNoTracking()
                .Where(k => k.OrganizationId == organizationId && k.ParentKeyId != null && parents.Contains(k.ParentKeyId)));
            level.RemoveAll(c => !seen.Add(idOf(c)));
            if (level.Count == 0) return;
            await visit(level);
            frontier = level.Select(idOf).ToList();
        }
    }

    /// <summary>
    /// Locks the row of the key a new key will hang under, so that it cannot be revoked, rolled short or deleted until
    /// the new key is committed, and reads its expiry as it is now — not as a cached copy says. Null when the key no
    /// longer works. Run inside the transaction that inserts the child, just before the insert: the lock is held to
    /// the commit.
    /// </summary>
    /// <remarks>
    /// On PostgreSQL a share lock (<c>FOR SHARE</c>): keys created under one key at the same moment do not wait for
    /// each other (with the write lock, fifty creates by one key queued one behind the other, each holding a pooled
    /// connection, until other requests found no connection and answered 503), while its revocation (an update) waits
    /// for them and then finds them among its children. Known limit: a share lock is granted past an update already
    /// waiting, so creates and rolls under one key that overlap without a gap keep its revocation waiting (to its
    /// command timeout, a 503). SQLite has one writer at a time, so a no-op update is the lock there. Whatever a race
    /// leaves in the rows, the key check refuses a key under a revoked, deleted or expired ancestor
    /// (<see cref="ApiKeyAuthenticator"/>).
    /// </remarks>
    public static async Task<LiveParent?> LockLiveParentAsync(QuestraDbContext db, string parentKeyId, DateTimeOffset now, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            var live = await db.Database.SqlQuery<DateTimeOffset?>($"""
                SELECT "ExpiresAt" AS "Value" FROM "ApiKeys"
                WHERE "Id" = {parentKeyId} AND "RevokedAt" IS NULL AND ("ExpiresAt" IS NULL OR "ExpiresAt" > {now})
                FOR SHARE
                """).ToListAsync(ct);
            return live.Count == 1 ? new LiveParent(live[0]) : null;
        }
        var locked = await db.ApiKeys
            .Where(k => k.Id == parentKeyId && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, k => k.RevokedAt), ct);
        if (locked != 1) return null;
        return new LiveParent(await db.ApiKeys.AsNoTracking().Where(k => k.Id == parentKeyId).Select(k => k.ExpiresAt).FirstAsync(ct));
    }

    /// <summary>
    /// Whether a key would be let in now, wherever a request came from: not revoked, deleted or expired, and neither it
    /// nor a key above it blocked by the organization's lifetime rule — what the authenticator checks, read fresh.
    /// For what acts in a key's name without a request (a webhook endpoint a key set up).
    /// </summary>
    public static async Task<bool> WorksAsync(QuestraDbContext db, string keyId, DateTimeOffset now, CancellationToken ct)
    {
        var key = await db.ApiKeys.AsNoTracking().Where(k => k.Id == keyId)
            .Join(db.Organizations, k => k.OrganizationId, o => o.Id, (k, o) => new { k.RevokedAt, k.ExpiresAt, k.CreatedAt, k.ParentKeyId, o.MaxKeyLifetimeDays, o.KeysMustExpire })
            .FirstOrDefaultAsync(ct);
        if (key is null || key.RevokedAt is not null || key.ExpiresAt <= now) return false;
        var policy = new KeyLifetimePolicy(key.MaxKeyLifetimeDays, key.KeysMustExpire);
        if (policy.BlockedAt(key.CreatedAt, key.ExpiresAt) <= now) return false;
        var parentId = key.ParentKeyId;
        for (var depth = 0; parentId is not null; depth++)
        {
            if (depth == MaxWalk) return false; // ancestors left unread: fail closed, as the authenticator does
            var parent = await db.ApiKeys.AsNoTracking().Where(k => k.Id == parentId)
                .Select(k => new { k.RevokedAt, k.ExpiresAt, k.CreatedAt, k.ParentKeyId }).FirstOrDefaultAsync(ct);
            if (parent is null) break; // a deleted ancestor's descendants were revoked with it
            if (parent.RevokedAt is not null || parent.ExpiresAt <= now || policy.BlockedAt(parent.CreatedAt, parent.ExpiresAt) <= now) return false;
            parentId = parent.ParentKeyId;
        }
        return true;
    }

    /// <summary>Whether a key or a key above it has an allowed-address list (read fresh); a walk that runs out fails closed.</summary>
    public static async Task<bool> AddressRestrictedAsync(QuestraDbContext db, string keyId, CancellationToken ct)
    {
        string? id = keyId;
        for (var depth = 0; id is not null; depth++)
        {
            if (depth == MaxWalk) return true;
            var key = await db.ApiKeys.AsNoTracking().Where(k => k.Id == id).Select(k => new { k.AllowedIps, k.ParentKeyId }).FirstOrDefaultAsync(ct);
            if (key is null) return true; // gone: fail closed (a deleted ancestor's descendants were revoked with it anyway)
            if (!AddressList.FromStored(key.AllowedIps).IsEmpty) return true;
            id = key.ParentKeyId;
        }
        return false;
    }

    /// <summary>How many keys stand above a key made by <paramref name="parentKeyId"/> (1 when the parent was made in the dashboard), up to <see cref="MaxWalk"/>.</summary>
    public static async Task<int> DepthBelowAsync(QuestraDbContext db, string parentKeyId, CancellationToken ct)
    {
        var depth = 0;
        string? id = parentKeyId;
        while (id is not null && depth < MaxWalk)
        {
            depth++;
            id = await db.ApiKeys.AsNoTracking().Where(k => k.Id == id).Select(k => k.ParentKeyId).FirstOrDefaultAsync(ct);
        }
        return depth;
    }
}

/// <summary>The key a new key hangs under, locked for the rest of the transaction, with its expiry as stored now.</summary>
public sealed record LiveParent(DateTimeOffset? ExpiresAt);
