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
public sealed class ApiKeyCache(IOptions<ApiKeyOptions> options, TimeProvider clock) : IDisposable
{
    private readonly object gate = new();
    private volatile MemoryCache entries = NewCache(options.Value);
    private long generation;
    private bool suspended;
    // Environment.TickCount64 until which cached keys may be served; without other instances, for ever.
    private long trustedUntil = long.MaxValue;

    private static MemoryCache NewCache(ApiKeyOptions o) => new(new MemoryCacheOptions { SizeLimit = o.CacheSize });

    /// <summary>Taken before reading the database; <see cref="Store"/> refuses the result if anything changed since.</summary>
    public long Generation => Interlocked.Read(ref generation);

    public AuthenticatedKey? Find(string hashKey, out DateTimeOffset? expiresAt)
    {
        expiresAt = null;
        if (Environment.TickCount64 >= Volatile.Read(ref trustedUntil)) return null; // we may have missed a change
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
        lock (gate)
        {
            if (readAtGeneration != generation) return; // a change landed while we were reading: our copy may be stale
            if (suspended || Environment.TickCount64 >= trustedUntil) return; // changes made elsewhere would not reach us
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

    /// <summary>Empties the cache and stores nothing until <see cref="Resume"/>: for when changes made by other instances cannot reach us.</summary>
    public void Suspend() => Reset(suspend: true);

    /// <summary>Caching again, from empty (whatever changed meanwhile is not in it).</summary>
    public void Resume() => Reset(suspend: false);

    /// <summary>
    /// Serve cached keys until <paramref name="lease"/> after <paramref name="provenAt"/> (an
    /// <see cref="Environment.TickCount64"/> taken before the channel proved alive: every change announced before
    /// then has reached us). A lease that had lapsed starts again from an empty cache.
    /// </summary>
    public void Renew(long provenAt, TimeSpan lease)
    {
        lock (gate)
        {
            if (Environment.TickCount64 >= trustedUntil) Reset(suspend: null);
            trustedUntil = provenAt + (long)lease.TotalMilliseconds;
        }
    }

    /// <summary>
    /// From now on cached keys are served only under a lease (<see cref="Renew"/>); until the first one, none.
    /// For instances that share the database with others.
    /// </summary>
    public void RequireLease()
    {
        lock (gate) trustedUntil = 0;
    }

    private void Reset(bool? suspend)
    {
        lock (gate)
        {
            if (suspend is { } value) suspended = value;
            generation++;
            // Not disposed: a request that grabbed the old instance a moment ago may still read it (it started
            // before this change returned); the garbage collector takes it afterwards.
            entries = NewCache(options.Value);
        }
    }

    public int Count => entries.Count;

    public void Dispose() => entries.Dispose();

    private sealed record CachedKey(AuthenticatedKey Key, DateTimeOffset? ExpiresAt, DateTimeOffset Until);
}
