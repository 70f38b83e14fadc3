using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

/// <summary>The key feature's side of membership changes (see <see cref="IMemberKeys"/>).</summary>
public sealed class MemberKeys(ApiKeyCacheSync cacheSync) : IMemberKeys
{
    public Task<int> RevokeKeysOfMemberAsync(QuestraDbContext db, string organizationId, string userId, Caller caller, DateTimeOffset now, CancellationToken ct) =>
        KeyLineage.RevokeKeysOfMemberAsync(db, organizationId, userId, caller, now, ct);

    public async Task RetireKeysOfOrganizationAsync(QuestraDbContext db, string organizationId, DateTimeOffset now, CancellationToken ct)
    {
        var hashes = await db.ApiKeys.Where(k => k.OrganizationId == organizationId).Select(k => new { k.Id, k.SecretHash }).ToListAsync(ct);
        db.DeletedApiKeys.AddRange(hashes.Select(h => new DeletedApiKey { KeyId = h.Id, SecretHash = h.SecretHash, DeletedAt = now }));
        await db.SaveChangesAsync(ct);
        await db.ApiKeyUsage.Where(u => u.OrganizationId == organizationId).ExecuteDeleteAsync(ct);
        await db.ApiKeyFailures.Where(f => f.OrganizationId == organizationId).ExecuteDeleteAsync(ct);
        await db.IdempotencyRecords.Where(r => r.OrganizationId == organizationId).ExecuteDeleteAsync(ct);
    }

    public Task KeysChangedAsync() => cacheSync.KeysChangedAsync();
}
