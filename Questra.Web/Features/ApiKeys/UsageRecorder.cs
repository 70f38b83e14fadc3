using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;

namespace Questra.Web.Features.ApiKeys;


/// <summary>
/// Counts key use in memory per key, endpoint and UTC day, and writes the counts (and each key's
/// last_used_at) in one batch per flush — not one row per request. Flushed periodically and on shutdown.
/// </summary>
public sealed partial class UsageRecorder(IServiceScopeFactory scopes, TimeProvider clock, ILogger<UsageRecorder> logger) : IDisposable
{
    private readonly record struct Bucket(string KeyId, string OrganizationId, string Endpoint, DateOnly Day);

    private sealed class Tally
    {
        public long Count;
        public long LastTicks;
    }

    private readonly ConcurrentDictionary<Bucket, Tally> pending = new();
    private readonly ConcurrentDictionary<string, Queue<ApiKeyFailure>> pendingFailures = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim flushing = new(1, 1);

    public void Dispose() => flushing.Dispose();

    /// <summary>The suffixes of a usage line for requests answered 4xx (refused: bad input, scope, not found, rate limit) and 5xx.</summary>
    public const string ClientErrorSuffix = " (4xx)", ServerErrorSuffix = " (5xx)";

    // Lines written before errors were told apart by class; every one of them was a 4xx.
    private const string OlderErrorSuffix = " (error)";

    /// <summary>How many recent failures are kept per key (newest first).</summary>
    public const int FailuresKeptPerKey = 20;

    /// <summary>"GET /api/surveys/{id}", with the status class's suffix when the answer was an error.</summary>
    public static string EndpointLabel(string method, string route, int? status) => status switch
    {
        >= 500 => $"{method} {route}{ServerErrorSuffix}",
        >= 400 => $"{method} {route}{ClientErrorSuffix}",
        _ => $"{method} {route}",
    };

    /// <summary>4, 5, or null for a usage line of answered requests.</summary>
    public static int? StatusClass(string endpoint) =>
        endpoint.EndsWith(ServerErrorSuffix, StringComparison.Ordinal) ? 5
        : endpoint.EndsWith(ClientErrorSuffix, StringComparison.Ordinal) || endpoint.EndsWith(OlderErrorSuffix, StringComparison.Ordinal) ? 4
        : null;

    /// <summary>Counts a request; <paramref name="used"/> false for one that does not make the key "used" (its last use and the lost-secret mark stay).</summary>
    public void Record(AuthenticatedKey key, string endpoint, bool used = true)
    {
        var now = clock.GetUtcNow();
        var tally = pending.GetOrAdd(new Bucket(key.KeyId, key.OrganizationId, endpoint, DateOnly.FromDateTime(now.UtcDateTime)), _ => new Tally());
        Interlocked.Increment(ref tally.Count);
        if (used) InterlockedMax(ref tally.LastTicks, now.UtcTicks);
    }

    /// <summary>
    /// Remembers a refused or failed request with the reason its answer gave (no body, no secret). At most
    /// <see cref="FailuresKeptPerKey"/> wait per key between flushes, so a flood of refusals costs no more.
    /// </summary>
    public void RecordFailure(AuthenticatedKey key, string endpoint, int status, string reason)
    {
        var failure = new ApiKeyFailure
        {
            ApiKeyId = key.KeyId, OrganizationId = key.OrganizationId, OccurredAt = clock.GetUtcNow(), Endpoint = endpoint, Status = status,
            Reason = reason.Length > ApiKeyFailureConfiguration.ReasonMaxLength ? reason[..(ApiKeyFailureConfiguration.ReasonMaxLength - 1)] + "…" : reason,
        };
        Keep(pendingFailures.GetOrAdd(key.KeyId, _ => new Queue<ApiKeyFailure>()), [failure]);
    }

    private static void Keep(Queue<ApiKeyFailure> queue, IEnumerable<ApiKeyFailure> failures)
    {
        lock (queue)
        {
            foreach (var failure in failures)
            {
                queue.Enqueue(failure);
                if (queue.Count > FailuresKeptPerKey) queue.Dequeue();
            }
        }
    }

    private List<ApiKeyFailure> TakeFailures()
    {
        var taken = new List<ApiKeyFailure>();
        // A queue stays once made (one per key that ever failed here, small), so no failure lands in a dropped one.
        foreach (var queue in pendingFailures.Values)
        {
            lock (queue)
            {
                taken.AddRange(queue);
                queue.Clear();
            }
        }
        return taken;
    }

    /// <summary>Writes what was counted since the last flush.</summary>
    public Task FlushAsync(CancellationToken ct = default) => FlushAsync(closing: false, ct);

    /// <summary>The last flush, when the app stops: refusal counts of the running hour are written as its totals.</summary>
    public Task FlushClosingAsync(CancellationToken ct = default) => FlushAsync(closing: true, ct);

    private async Task FlushAsync(bool closing, CancellationToken ct)
    {
        await flushing.WaitAsync(ct);
        // Take each count atomically: a request counted after this point is written by the next flush.
        var batch = new List<(Bucket Bucket, long Count, DateTimeOffset Last)>();
        foreach (var (bucket, tally) in pending)
        {
            var count = Interlocked.Exchange(ref tally.Count, 0);
            if (count > 0) batch.Add((bucket, count, new DateTimeOffset(Interlocked.Read(ref tally.LastTicks), TimeSpan.Zero)));
            // (LastTicks stays 0 — DateTimeOffset.MinValue — for a bucket of requests that were not the key's use.)
        }
        var failures = TakeFailures();
        try
        {
            if (batch.Count > 0 || failures.Count > 0) await WriteAsync(batch, failures, ct);
            ForgetOldDays();
        }
        catch
        {
            foreach (var (bucket, count, _) in batch)
            {
                Interlocked.Add(ref pending.GetOrAdd(bucket, _ => new Tally()).Count, count);
            }
            foreach (var group in failures.GroupBy(f => f.ApiKeyId))
            {
                // Older than anything recorded meanwhile, so they go first and the newest are kept.
                var queue = pendingFailures.GetOrAdd(group.Key, _ => new Queue<ApiKeyFailure>());
                lock (queue)
                {
                    var newer = queue.ToList();
                    queue.Clear();
                    Keep(queue, group.Concat(newer));
                }
            }
            throw;
        }
        finally
        {
            flushing.Release();
        }
        // Learned and refused addresses in a transaction of their own: the counts above are written either way.
        await flushing.WaitAsync(ct);
        try
        {
            await FlushAddressesAsync(closing, ct);
        }
        finally
        {
            flushing.Release();
        }
    }

    private async Task WriteAsync(List<(Bucket Bucket, long Count, DateTimeOffset Last)> batch, List<ApiKeyFailure> failures, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var postgres = db.Database.IsNpgsql();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Rows in one fixed order, so two instances flushing at once lock them in the same order (no deadlock).
        var flushedAt = clock.GetUtcNow();
        foreach (var (bucket, count, lastUse) in batch.OrderBy(b => b.Bucket.KeyId, StringComparer.Ordinal)
                     .ThenBy(b => b.Bucket.Endpoint, StringComparer.Ordinal).ThenBy(b => b.Bucket.Day))
        {
            var last = lastUse == DateTimeOffset.MinValue ? flushedAt : lastUse;
            // Add to the stored count in place (insert or increment in one statement), so counts written by
            // several instances add up and none is lost to a race between "read" and "write".
            if (postgres)
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "ApiKeyUsage" AS u ("ApiKeyId", "Endpoint", "Day", "OrganizationId", "Count", "LastUsedAt")
                    VALUES ({bucket.KeyId}, {bucket.Endpoint}, {bucket.Day}, {bucket.OrganizationId}, {count}, {last})
                    ON CONFLICT ("ApiKeyId", "Endpoint", "Day") DO UPDATE SET
                        "Count" = u."Count" + excluded."Count", "LastUsedAt" = greatest(u."LastUsedAt", excluded."LastUsedAt")
                    """, ct);
            }
            else
            {
                // SQLite keeps instants as UTC ticks (see QuestraDbContext) and days as text.
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "ApiKeyUsage" ("ApiKeyId", "Endpoint", "Day", "OrganizationId", "Count", "LastUsedAt")
                    VALUES ({bucket.KeyId}, {bucket.Endpoint}, {bucket.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}, {bucket.OrganizationId}, {count}, {last.UtcTicks})
                    ON CONFLICT ("ApiKeyId", "Endpoint", "Day") DO UPDATE SET
                        "Count" = "Count" + excluded."Count", "LastUsedAt" = max("LastUsedAt", excluded."LastUsedAt")
                    """, ct);
            }
        }
        foreach (var group in batch.Where(b => b.Last != DateTimeOffset.MinValue).GroupBy(b => b.Bucket.KeyId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var last = group.Max(b => b.Last);
            await db.ApiKeys
                .Where(k => k.Id == group.Key && (k.LastUsedAt == null || k.LastUsedAt < last))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, last).SetProperty(k => k.SecretUnconfirmed, false), ct); // used: its secret was saved
        }
        await WriteFailuresAsync(db, failures, ct);
        await tx.CommitAsync(ct);
        if (logger.IsEnabled(LogLevel.Information))
        {
            WroteUsage(logger, batch.Sum(b => b.Count), batch.Count, batch.Select(b => b.Bucket.KeyId).Distinct().Count());
        }
    }

    // Adds the failures of keys that still exist (one deleted since its request took its failures with it), then keeps
    // only each key's newest few.
    private static async Task WriteFailuresAsync(QuestraDbContext db, List<ApiKeyFailure> failures, CancellationToken ct)
    {
        if (failures.Count == 0) return;
        var ids = failures.Select(f => f.ApiKeyId).Distinct().ToList();
        var existing = (await db.ApiKeys.Where(k => ids.Contains(k.Id)).Select(k => k.Id).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var kept = failures.Where(f => existing.Contains(f.ApiKeyId)).OrderBy(f => f.OccurredAt).ToList();
        if (kept.Count == 0) return;
        db.ApiKeyFailures.AddRange(kept);
        await db.SaveChangesAsync(ct);
        foreach (var keyId in existing.Order(StringComparer.Ordinal))
        {
            var oldestKept = await db.ApiKeyFailures.Where(f => f.ApiKeyId == keyId).OrderByDescending(f => f.Id)
                .Skip(FailuresKeptPerKey - 1).Select(f => (long?)f.Id).FirstOrDefaultAsync(ct);
            if (oldestKept is { } id)
            {
                await db.ApiKeyFailures.Where(f => f.ApiKeyId == keyId && f.Id < id).ExecuteDeleteAsync(ct);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote key usage: {Requests} requests, {Buckets} usage rows, {Keys} keys' last use")]
    private static partial void WroteUsage(ILogger logger, long requests, int buckets, int keys);

    // Yesterday's buckets stay until today's first flush has written them; older empty ones are dropped.
    private void ForgetOldDays()
    {
        var yesterday = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);
        foreach (var (bucket, tally) in pending)
        {
            if (bucket.Day < yesterday && Interlocked.Read(ref tally.Count) == 0)
            {
                pending.TryRemove(bucket, out _);
            }
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
