using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Features.Telemetry;

/// <summary>
/// Questra's own instruments (meter <see cref="MeterName"/>), beside ASP.NET Core's HTTP metrics. Every label has a
/// handful of fixed values: never a key id, an organization, a survey or an address, so a flood of keys or clients
/// cannot grow the series. Recording costs next to nothing when nothing listens (metrics off).
/// </summary>
public sealed class QuestraMetrics
{
    public const string MeterName = "Questra";

    private readonly Counter<long> keyChecks;
    private readonly Counter<long> cacheLookups;
    private readonly Counter<long> refusals;
    private readonly Counter<long> invalidations;
    private readonly Counter<long> mailFailures;
    private readonly Counter<long> webhookDeliveries;
    private readonly Counter<long> localLimits;
    private readonly Meter meter;

    public QuestraMetrics(IMeterFactory meters, ApiKeyCache cache, OutboxBacklog outbox)
    {
        meter = meters.Create(MeterName);
        keyChecks = meter.CreateCounter<long>("questra.api_key.checks", "{check}",
            "API requests by the outcome of their key check (ok, missing, malformed, bad_checksum, unknown, deleted, revoked, expired, not_member, blocked, refused_address).");
        cacheLookups = meter.CreateCounter<long>("questra.api_key.cache.lookups", "{lookup}", "Key checks answered from this instance's cache (hit) or the database (miss).");
        meter.CreateObservableGauge("questra.api_key.cache.entries", () => cache.Count, "{key}", "Keys in this instance's cache.");
        refusals = meter.CreateCounter<long>("questra.api.throttled", "{request}",
            "Requests refused with 429, by limit: failed_auth (a client over its failed authentications) or key_rate (a key over its requests per minute).");
        invalidations = meter.CreateCounter<long>("questra.api_key.cache.invalidations_received", "{message}",
            "Key changes announced by another instance, each emptying this instance's cache.");
        meter.CreateObservableGauge("questra.outbox.queued", () => outbox.Read().Queued, "{message}", "Mail waiting in the outbox (not sent, not given up).");
        meter.CreateObservableGauge("questra.outbox.oldest_age", () => outbox.Read().OldestAgeSeconds, "s", "Age of the oldest mail waiting in the outbox (0 when none waits).");
        mailFailures = meter.CreateCounter<long>("questra.outbox.delivery_failures", "{attempt}", "Mail sending attempts that failed (the message is tried again later).");
        localLimits = meter.CreateCounter<long>("questra.limits.counted_locally", "{request}",
            "Limit checks counted by this instance alone because Redis (Limits:Redis) could not be reached.");
        webhookDeliveries = meter.CreateCounter<long>("questra.webhook.attempts", "{attempt}", "Webhook delivery attempts by outcome (delivered, failed).");
    }

    public void KeyChecked(string outcome) => keyChecks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void CacheLookup(bool hit) => cacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    public void Throttled(string limit) => refusals.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void InvalidationReceived() => invalidations.Add(1);

    public void MailFailed() => mailFailures.Add(1);

    /// <summary>Limits shared through Redis: 1 while it is reachable, 0 while each instance counts alone.</summary>
    public void ObserveSharedLimits(Func<bool> connected) =>
        meter.CreateObservableGauge("questra.limits.shared", () => connected() ? 1 : 0, "{state}", "1 while Redis holds the limits for every instance, 0 while this instance counts alone.");

    public void LimitCountedLocally() => localLimits.Add(1);

    public void WebhookAttempt(bool delivered) => webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));
}

/// <summary>Limit labels of <c>questra.api.throttled</c>.</summary>
public static class ThrottleLimits
{
    public const string FailedAuth = "failed_auth", KeyRate = "key_rate";
}

/// <summary>Outcome labels of <c>questra.api_key.checks</c>.</summary>
public static class KeyCheckOutcomes
{
    public const string Ok = "ok", Missing = "missing", Malformed = "malformed", BadChecksum = "bad_checksum", Unknown = "unknown", Deleted = "deleted",
        Revoked = "revoked", Expired = "expired", NotMember = "not_member", Blocked = "blocked", RefusedAddress = "refused_address";
}

/// <summary>
/// The outbox's backlog as the gauges show it: read from the database only when metrics are collected, at most
/// once per <see cref="Fresh"/> and in the background (a collection never waits on the database; it shows the
/// last reading).
/// </summary>
public sealed class OutboxBacklog(IServiceScopeFactory scopes, TimeProvider clock, ILogger<OutboxBacklog> logger)
{
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(10);

    public sealed record Reading(long Queued, double OldestAgeSeconds, DateTimeOffset At);

    private Reading last = new(0, 0, DateTimeOffset.MinValue);
    private int refreshing;

    public Reading Read()
    {
        var current = Volatile.Read(ref last);
        if (clock.GetUtcNow() - current.At >= Fresh && Interlocked.CompareExchange(ref refreshing, 1, 0) == 0)
        {
            _ = Task.Run(RefreshAsync);
        }
        return current;
    }

    private async Task RefreshAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
            var waiting = db.OutboxMessages.AsNoTracking().Where(m => m.SentAt == null && !m.GaveUp);
            var count = await waiting.LongCountAsync();
            var oldest = count == 0 ? null : await waiting.OrderBy(m => m.Id).Select(m => (DateTimeOffset?)m.CreatedAt).FirstOrDefaultAsync();
            var now = clock.GetUtcNow();
            Volatile.Write(ref last, new Reading(count, oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0, now));
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Reading the outbox backlog for metrics failed; the gauges keep their last value.");
        }
        finally
        {
            Volatile.Write(ref refreshing, 0);
        }
    }
}
