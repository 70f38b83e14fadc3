using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Keys that authenticated recently, by secret hash, so a busy script costs no database round trip per request.
/// Bounded in size and short-lived. Any change that could narrow a key (revoke, delete, roll, its owner's role or
/// membership) clears it before the change is reported done, and a lookup that raced with such a change is not
/// stored — so revocation still bites on the very next request. Expiry is checked on every hit.
/// <para>With several instances a cached key is served only while the channel that carries other instances'
/// changes is proven alive: <see cref="ApiKeyCacheSync"/> renews a short lease with every answered ping, and when
/// a ping stalls the lease lapses and every key is read from the database again.</para>
/// </summary>
public sealed class ApiKeyCache(IOptions<ApiKeyOptions> options, TimeProvider clock) : Data.LeasedCache, IDisposable
{
    private volatile MemoryCache entries = NewCache(options.Value);

    private static MemoryCache NewCache(ApiKeyOptions o) => new(new MemoryCacheOptions { SizeLimit = o.CacheSize });

    public AuthenticatedKey? Find(string hashKey, out DateTimeOffset? expiresAt)
    {
        expiresAt = null;
        if (!Trusted) return null; // we may have missed a change
        // The lifetime is read off the app's clock (the memory cache's own expiry only frees the memory).
        if (entries.TryGetValue(hashKey, out CachedKey? cached) && cached is not null && clock.GetUtcNow() < cached.Until)
        {
            expiresAt = cached.ExpiresAt;
            return cached.Key;
        }
        return null;
    }

    public void Store(string hashKey, AuthenticatedKey key, DateTimeOffset? expiresAt, long readAtGeneration)
    {
        lock (Gate)
        {
            if (!MayStore(readAtGeneration)) return;
            var lifetime = TimeSpan.FromSeconds(options.Value.CacheSeconds);
            entries.Set(hashKey, new CachedKey(key, expiresAt, clock.GetUtcNow() + lifetime), new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpirationRelativeToNow = lifetime,
            });
        }
    }

    /// <summary>Forgets every cached key. Changes are rare next to requests, so dropping all is simplest and safe.</summary>
    public void Invalidate() => Reset(suspend: null);

    /// <summary>Not disposed: a request that grabbed the old instance a moment ago may still read it (it started before the change returned); the garbage collector takes it afterwards.</summary>
    protected override void Clear() => entries = NewCache(options.Value);

    public int Count => entries.Count;

    public void Dispose() => entries.Dispose();

    private sealed record CachedKey(AuthenticatedKey Key, DateTimeOffset? ExpiresAt, DateTimeOffset Until);
}
