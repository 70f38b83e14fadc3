using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Questra.Web.Data;
using Questra.Web.Features.Email;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Once an hour, tells the owners of keys that expire within 7 days, and again within 1 day. Each notice goes out
/// once: the outbox's unique dedupe key refuses a second, even when several instances run the job at the same time.
/// </summary>
public sealed class KeyExpiryNotifier(IServiceScopeFactory scopes, TimeProvider clock, IOptions<EmailOptions> options, ILogger<KeyExpiryNotifier> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
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
                logger.LogWarning(ex, "Checking for expiring keys failed; trying again in an hour.");
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
                .Where(k => !db.OutboxMessages.Any(m => m.DedupeKey == "api_key.expiring." + days + "d:" + k.Id))
                .OrderBy(k => k.ExpiresAt).Take(1000).ToListAsync(ct);
            foreach (var key in due)
            {
                written += await WriteAsync(key, days, ct) ? 1 : 0;
            }
        }
        return written;
    }

    // Each notice in its own unit of work: another instance writing the same one first only makes this one a no-op.
    private async Task<bool> WriteAsync(ApiKey key, int days, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        await scope.ServiceProvider.GetRequiredService<KeyNotices>().ExpiringAsync(key, days, ct);
        try
        {
            return await db.SaveChangesAsync(ct) > 0;
        }
        catch (DbUpdateException)
        {
            return false; // written already (the dedupe key is unique)
        }
    }
}
