using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Telemetry;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// The hot path of every API request: format → checksum → hash → cache → one database read. Kept apart from
/// <see cref="ApiKeyService"/> (which owns every change to keys) so the check needs nothing else.
/// </summary>
public sealed class ApiKeyAuthenticator(IDbContextFactory<QuestraDbContext> contexts, ApiKeyCache cache, TimeProvider clock, QuestraMetrics metrics)
{
    /// <summary>A stored key as the check needs it, with its owner's role in its organization now (null: not a member).</summary>
    internal sealed record KeyRow(string Id, string OrganizationId, string CreatedByUserId, ApiScopes Scopes, string? SurveyRestriction,
        DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, byte[] SecretHash, OrgRole? Role,
        DateTimeOffset CreatedAt, string? AllowedIps, string? ParentKeyId, string? OrgAllowedIps, int? MaxLifetimeDays, bool MustExpire,
        DateTimeOffset? RolledAt);

    // Compiled once: translating the LINQ on every cache miss cost as much as running it.
    private static readonly CompiledPerModel<Func<QuestraDbContext, byte[], CancellationToken, Task<KeyRow?>>> FindByHashQuery = new(() => EF.CompileAsyncQuery(
        (QuestraDbContext db, byte[] hash, CancellationToken ct) => db.ApiKeys.AsNoTracking()
            .Where(k => k.SecretHash == hash)
            // The organization's policy in the same row (one join, not a subquery per column).
            .Join(db.Organizations, k => k.OrganizationId, o => o.Id, (k, o) => new KeyRow(k.Id, k.OrganizationId, k.CreatedByUserId, k.Scopes,
                k.SurveyRestriction, k.ExpiresAt, k.RevokedAt, k.SecretHash,
                db.Memberships.Where(m => m.OrganizationId == k.OrganizationId && m.UserId == k.CreatedByUserId).Select(m => (OrgRole?)m.Role).FirstOrDefault(),
                k.CreatedAt, k.AllowedIps, k.ParentKeyId, o.AllowedIps, o.MaxKeyLifetimeDays, o.KeysMustExpire,
                db.ApiKeys.Where(r => r.Id == k.ReplacedByKeyId).Select(r => (DateTimeOffset?)r.CreatedAt).FirstOrDefault()))
            .FirstOrDefault()));

    private static readonly CompiledPerModel<Func<QuestraDbContext, byte[], CancellationToken, Task<bool>>> WasDeletedQuery = new(() => EF.CompileAsyncQuery(
        (QuestraDbContext db, byte[] hash, CancellationToken ct) => db.DeletedApiKeys.Any(d => d.SecretHash == hash)));

    internal static Task<KeyRow?> FindByHash(QuestraDbContext db, byte[] hash, CancellationToken ct) => FindByHashQuery.For(db)(db, hash, ct);

    internal static Task<bool> WasDeleted(QuestraDbContext db, byte[] hash, CancellationToken ct) => WasDeletedQuery.For(db)(db, hash, ct);

    /// <summary>
    /// Looks a presented secret up and decides whether it authenticates. The checksum is checked first, so a
    /// mistyped or invented key costs no database work. The owner's current role comes back with the key.
    /// </summary>
    public async Task<KeyAuthentication> AuthenticateAsync(string secret, CancellationToken ct = default)
    {
        switch (ApiKeySecret.CheckFormat(secret))
        {
            case SecretFormat.WrongPrefix:
                return KeyAuthentication.Fail(KeyCheckOutcomes.Malformed, $"The bearer token is not a Questra API key (keys start with '{ApiKeySecret.Prefix}').");
            case SecretFormat.Malformed:
                return KeyAuthentication.Fail(KeyCheckOutcomes.Malformed, $"The API key is malformed: it must be {ApiKeySecret.Length} characters of letters and digits after the prefix.");
            case SecretFormat.BadChecksum:
                return KeyAuthentication.Fail(KeyCheckOutcomes.BadChecksum, "The API key's checksum does not match: it was mistyped or truncated.");
        }

        var hash = ApiKeySecret.Hash(secret);
        var hashKey = Convert.ToBase64String(hash);
        var found = cache.Find(hashKey, out var cachedExpiry);
        metrics.CacheLookup(hit: found is not null);
        if (found is { } cached)
        {
            var now = clock.GetUtcNow();
            return cachedExpiry is { } at && at <= now ? Expired(at)
                : cached.BlockedReasonAt(now) is { } blocked ? KeyAuthentication.Blocked(cached, blocked)
                : KeyAuthentication.Success(cached);
        }
        var generation = cache.Generation;
        // A context only on a cache miss: a cached key, and a key refused before this point, never build one.
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await FindByHash(db, hash, ct);

        if (row is null || !CryptographicOperations.FixedTimeEquals(row.SecretHash, hash))
        {
            return await WasDeleted(db, hash, ct)
                ? KeyAuthentication.Fail(KeyCheckOutcomes.Deleted, "This API key was deleted.")
                : KeyAuthentication.Fail(KeyCheckOutcomes.Unknown, "The API key is not recognised.");
        }
        if (row.RevokedAt is not null)
        {
            return KeyAuthentication.Fail(KeyCheckOutcomes.Revoked, "This API key was revoked.");
        }
        if (row.ExpiresAt is { } expires && expires <= clock.GetUtcNow())
        {
            return Expired(expires);
        }
        if (row.Role is null)
        {
            return KeyAuthentication.Fail(KeyCheckOutcomes.NotMember, "This API key's owner is no longer a member of its organization.");
        }
        var lineage = await LineageAsync(db, row, ct);
        if (lineage.AncestorStopped)
        {
            // A key above it was revoked or deleted: whatever its own row says (a child made or rolled at the moment
            // of that revocation may have escaped the cascade's writes), it stops with it.
            return KeyAuthentication.Fail(KeyCheckOutcomes.Revoked, "This API key was revoked: a key above it (the key that made it, or one above that) was revoked or deleted.");
        }
        // No key outlives a key above it: the earliest expiry in the line is this key's, in the cache too.
        var stopsAt = Earliest(row.ExpiresAt, lineage.AncestorExpiry);
        if (stopsAt is { } end && end <= clock.GetUtcNow())
        {
            return Expired(end);
        }
        var key = new AuthenticatedKey(row.Id, row.OrganizationId, row.CreatedByUserId, row.Role.Value, row.Scopes,
            SurveyIdList.Parse(row.SurveyRestriction), row.ExpiresAt, lineage.Rules, row.RolledAt);
        cache.Store(hashKey, key, stopsAt, generation);
        return key.BlockedReasonAt(clock.GetUtcNow()) is { } reason ? KeyAuthentication.Blocked(key, reason) : KeyAuthentication.Success(key);
    }

    /// <summary>
    /// The key if this instance checked it a moment ago and it is still good (cached, unexpired); null otherwise,
    /// without any database work. Lets known-good keys through for a client that is being throttled for failures.
    /// </summary>
    public AuthenticatedKey? FindKnownGood(string secret)
    {
        if (ApiKeySecret.CheckFormat(secret) != SecretFormat.Valid) return null;
        var cached = cache.Find(Convert.ToBase64String(ApiKeySecret.Hash(secret)), out var expiresAt);
        var now = clock.GetUtcNow();
        return cached is not null && (expiresAt is null || expiresAt > now) && cached.BlockedReasonAt(now) is null ? cached : null;
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>What the walk up a key's ancestors found.</summary>
    private sealed record Lineage(KeyRules? Rules, bool AncestorStopped, DateTimeOffset? AncestorExpiry);

    /// <summary>
    /// The address lists and lifetime rule a key is checked against on every request, read and parsed once per cache
    /// entry: its own list, each ancestor's (a child never reaches further than the key that made it, even if that
    /// key's list was narrowed after the child was made), and the organization's; and the lifetime rule applied to
    /// the key and each ancestor (a child stops when the key that made it is blocked). Null rules when none applies.
    /// The same walk says whether an ancestor was revoked or deleted, and the earliest expiry above the key: the line
    /// is checked on every read of the key, not only written by the revocation's cascade.
    /// </summary>
    private static async Task<Lineage> LineageAsync(QuestraDbContext db, KeyRow row, CancellationToken ct)
    {
        var policy = new KeyLifetimePolicy(row.MaxLifetimeDays, row.MustExpire);
        var lists = new List<AddressList>();
        DateTimeOffset? blockedAt = null, ancestorExpiry = null;
        string? blockedReason = null;
        void Add(string? stored, DateTimeOffset createdAt, DateTimeOffset? expiresAt, bool ancestor)
        {
            var list = AddressList.FromStored(stored);
            if (!list.IsEmpty) lists.Add(list);
            if (policy.BlockedAt(createdAt, expiresAt) is { } at && (blockedAt is null || at < blockedAt))
            {
                blockedAt = at;
                blockedReason = policy.BlockedReason(createdAt, ofAncestor: ancestor);
            }
        }
        Add(row.AllowedIps, row.CreatedAt, row.ExpiresAt, ancestor: false);
        var parentId = row.ParentKeyId;
        for (var depth = 0; parentId is not null; depth++)
        {
            if (depth == KeyLineage.MaxWalk)
            {
                lists.Add(AddressList.Nothing); // ancestors left unread: their lists cannot be known, so no address is allowed
                break;
            }
            var parent = await db.ApiKeys.AsNoTracking().Where(k => k.Id == parentId)
                .Select(k => new { k.AllowedIps, k.ParentKeyId, k.CreatedAt, k.ExpiresAt, k.RevokedAt }).FirstOrDefaultAsync(ct);
            if (parent is null || parent.RevokedAt is not null) return new Lineage(null, AncestorStopped: true, null); // deleted, or revoked
            Add(parent.AllowedIps, parent.CreatedAt, parent.ExpiresAt, ancestor: true);
            ancestorExpiry = Earliest(ancestorExpiry, parent.ExpiresAt);
            parentId = parent.ParentKeyId;
        }
        var orgList = AddressList.FromStored(row.OrgAllowedIps);
        var rules = lists.Count == 0 && orgList.IsEmpty && blockedAt is null ? null : new KeyRules(lists, orgList, blockedAt, blockedReason);
        return new Lineage(rules, AncestorStopped: false, ancestorExpiry);
    }

    private static KeyAuthentication Expired(DateTimeOffset at) =>
        KeyAuthentication.Fail(KeyCheckOutcomes.Expired, $"This API key expired at {at:yyyy-MM-ddTHH:mm:ssZ}.");

}
