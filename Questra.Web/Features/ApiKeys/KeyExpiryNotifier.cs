using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Every ten minutes, records the keys that expire within 7 days, and again within 1 day (<c>api_key.expiring</c>:
/// audit, webhooks, and mail to the owner), and the keys that have expired (<c>api_key.expired</c>). Each happens
/// once: the webhook message's unique dedupe key refuses a second, even when several instances run the job at once.
/// </summary>
public sealed class KeyExpiryNotifier(IServiceScopeFactory scopes, TimeProvider clock, ILogger<KeyExpiryNotifier> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(10);

    /// <summary>How far back an expiry is still announced (keys that expired before this job first ran are not).</summary>
    public static readonly TimeSpan ExpiredLookback = TimeSpan.FromDays(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                await Task.Delay(Every, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Checking for expiring keys failed; trying again in ten minutes.");
                await Task.Delay(Every, clock, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

    /// <summary>One pass: writes the notices that are due and not yet written. Returns how many it wrote.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var written = 0;
        // The 1-day notice for keys in their last day; the 7-day one for keys in their last week but not their last day.
        foreach (var (days, from, to) in new[] { (1, now, now.AddDays(1)), (7, now.AddDays(1), now.AddDays(7)) })
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
            var due = await db.ApiKeys.AsNoTracking()
                .Where(k => k.RevokedAt == null && k.ReplacedByKeyId == null && k.ExpiresAt > from && k.ExpiresAt <= to)
                .Where(k => !db.WebhookMessages.Any(m => m.DedupeKey == "api_key.expiring." + days + "d:" + k.Id))
                .OrderBy(k => k.ExpiresAt).Take(1000).ToListAsync(ct);
            foreach (var key in due)
            {
                written += await WriteAsync(key, days, ct) ? 1 : 0;
            }
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
            var since = now - ExpiredLookback;
            var expired = await db.ApiKeys.AsNoTracking()
                .Where(k => k.RevokedAt == null && k.ExpiresAt > since && k.ExpiresAt <= now)
                .Where(k => !db.WebhookMessages.Any(m => m.DedupeKey == "api_key.expired:" + k.Id))
                .OrderBy(k => k.ExpiresAt).Take(1000).ToListAsync(ct);
            foreach (var key in expired)
            {
                written += await WriteAsync(key, days: 0, ct) ? 1 : 0;
            }
        }
        return written;
    }

    // Each event in its own unit of work: another instance writing the same one first only makes this one a no-op.
    private async Task<bool> WriteAsync(ApiKey key, int days, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var now = clock.GetUtcNow();
        if (days == 0)
        {
            db.AddSystemKeyEvent(key.OrganizationId, key.Id, AuditEventTypes.ApiKeyExpired, now,
                new { name = key.Name, prefix = key.Prefix, expired_at = key.ExpiresAt, replaced_by = key.ReplacedByKeyId }, dedupeKey: $"api_key.expired:{key.Id}");
        }
        else
        {
            db.AddSystemKeyEvent(key.OrganizationId, key.Id, AuditEventTypes.ApiKeyExpiring, now,
                new { name = key.Name, prefix = key.Prefix, expires_at = key.ExpiresAt, days }, dedupeKey: $"api_key.expiring.{days}d:{key.Id}");
            await scope.ServiceProvider.GetRequiredService<KeyNotices>().ExpiringAsync(key, days, ct);
        }
        try
        {
            return await db.SaveChangesAsync(ct) > 0;
        }
        catch (DbUpdateException)
        {
            return false; // written already (the dedupe keys are unique)
        }
    }
}
