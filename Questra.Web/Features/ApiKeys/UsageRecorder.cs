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
    private readonly SemaphoreSlim flushing = new(1, 1);

    public void Dispose() => flushing.Dispose();

    /// <summary>The suffix of a usage line for requests the API answered with an error (4xx/5xx).</summary>
    public const string ErrorSuffix = " (error)";

    /// <summary>"GET /api/surveys/{id}", with <see cref="ErrorSuffix"/> when the answer was an error.</summary>
    public static string EndpointLabel(string method, string route, int? status) =>
        status >= 400 ? $"{method} {route}{ErrorSuffix}" : $"{method} {route}";

    public void Record(AuthenticatedKey key, string endpoint)
    {
        var now = clock.GetUtcNow();
        var tally = pending.GetOrAdd(new Bucket(key.KeyId, key.OrganizationId, endpoint, DateOnly.FromDateTime(now.UtcDateTime)), _ => new Tally());
        Interlocked.Increment(ref tally.Count);
        InterlockedMax(ref tally.LastTicks, now.UtcTicks);
    }

    public async Task FlushAsync(CancellationToken ct = default)
    {
        await flushing.WaitAsync(ct);
        // Take each count atomically: a request counted after this point is written by the next flush.
        var batch = new List<(Bucket Bucket, long Count, DateTimeOffset Last)>();
        foreach (var (bucket, tally) in pending)
        {
            var count = Interlocked.Exchange(ref tally.Count, 0);
            if (count > 0) batch.Add((bucket, count, new DateTimeOffset(Interlocked.Read(ref tally.LastTicks), TimeSpan.Zero)));
        }
        try
        {
            if (batch.Count > 0) await WriteAsync(batch, ct);
            ForgetOldDays();
        }
        catch
        {
            foreach (var (bucket, count, _) in batch)
            {
                Interlocked.Add(ref pending.GetOrAdd(bucket, _ => new Tally()).Count, count);
            }
            throw;
        }
        finally
        {
            flushing.Release();
        }
    }

    private async Task WriteAsync(List<(Bucket Bucket, long Count, DateTimeOffset Last)> batch, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var postgres = db.Database.IsNpgsql();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Rows in one fixed order, so two instances flushing at once lock them in the same order (no deadlock).
        foreach (var (bucket, count, last) in batch.OrderBy(b => b.Bucket.KeyId, StringComparer.Ordinal)
                     .ThenBy(b => b.Bucket.Endpoint, StringComparer.Ordinal).ThenBy(b => b.Bucket.Day))
        {
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
        foreach (var group in batch.GroupBy(b => b.Bucket.KeyId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var last = group.Max(b => b.Last);
            await db.ApiKeys
                .Where(k => k.Id == group.Key && (k.LastUsedAt == null || k.LastUsedAt < last))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, last), ct);
        }
        await tx.CommitAsync(ct);
        if (logger.IsEnabled(LogLevel.Information))
        {
            WroteUsage(logger, batch.Sum(b => b.Count), batch.Count, batch.Select(b => b.Bucket.KeyId).Distinct().Count());
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
