using Questra.Web.Data;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

/// <summary>The key feature's side of membership changes (see <see cref="IMemberKeys"/>).</summary>
public sealed class MemberKeys(ApiKeyCacheSync cacheSync) : IMemberKeys
{
    public Task<int> RevokeKeysOfMemberAsync(QuestraDbContext db, string organizationId, string userId, Caller caller, DateTimeOffset now, CancellationToken ct) =>
        KeyLineage.RevokeKeysOfMemberAsync(db, organizationId, userId, caller, now, ct);

    public Task KeysChangedAsync() => cacheSync.KeysChangedAsync();
}
