using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;
using Questra.Web.Data;

namespace Questra.Web.Features.Email;

/// <summary>
/// Delivers the outbox: claims due messages (on PostgreSQL with <c>FOR UPDATE SKIP LOCKED</c>, so each goes to one
/// instance), sends them over one SMTP connection, marks each sent at once, and on failure retries later with
/// backoff. A crash leaves claimed messages to be claimed again when the claim runs out; nothing is lost. Sent
/// messages are deleted after <see cref="OutboxOptions.KeepSentDays"/>.
/// </summary>
public sealed class OutboxDelivery(IServiceScopeFactory scopes, IMailTransport transport, IOptions<EmailOptions> options, TimeProvider clock,
    Telemetry.QuestraMetrics metrics, ILogger<OutboxDelivery> logger) : BackgroundService
{
    public const int BatchSize = 20;
    public static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value is not { Enabled: true, HasSmtp: true })
        {
            return; // no mail server to deliver to: in Development mail waits in the outbox for /dev/mail
        }
        var poll = TimeSpan.FromMilliseconds(options.Value.Outbox.PollMilliseconds);
        var outage = new OutageNotice(logger, "Outbox delivery");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverBatchAsync(stoppingToken) == BatchSize) { }
                await PruneAsync(stoppingToken);
                outage.Succeeded();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                outage.Failed(ex);
            }
            try
            {
                await Task.Delay(poll, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: claims up to <see cref="BatchSize"/> due messages and tries to send them. Returns how many it claimed.</summary>
    public async Task<int> DeliverBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var token = Guid.NewGuid().ToString("N");
        var now = clock.GetUtcNow();
        var claimed = await ClaimAsync(db, token, now, ct);
        if (claimed.Count == 0) return 0;

        IMailConnection? connection = null;
        try
        {
            connection = await transport.ConnectAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning("Cannot reach the mail server ({Error}); {Count} message(s) wait in the outbox.", ex.Message, claimed.Count);
            foreach (var message in claimed) await FailedAsync(db, message, token, ex.Message, ct);
            return claimed.Count;
        }
        await using (connection)
        {
            foreach (var message in claimed)
            {
                try
                {
                    await connection.SendAsync(ToMime(message), ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    logger.LogWarning("Sending message {Id} ({Kind}) failed: {Error}", message.Id, message.Kind, ex.Message);
                    await FailedAsync(db, message, token, ex.Message, ct);
                    continue;
                }
                // Marked sent at once, and only while the claim is still ours: never sent twice by this run.
                await db.OutboxMessages.Where(m => m.Id == message.Id && m.ClaimToken == token)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, clock.GetUtcNow()).SetProperty(m => m.ClaimToken, (string?)null), ct);
                logger.LogInformation("Sent message {Id} ({Kind}).", message.Id, message.Kind);
            }
        }
        return claimed.Count;
    }

    private static async Task<List<OutboxMessage>> ClaimAsync(QuestraDbContext db, string token, DateTimeOffset now, CancellationToken ct)
    {
        var until = now + ClaimFor;
        if (db.Database.IsNpgsql())
        {
            // Several instances: each due row goes to the one instance that locks it first; the others skip it.
            await db.Database.ExecuteSqlRawAsync("""
                UPDATE "OutboxMessages" SET "ClaimToken" = @token, "ClaimedUntil" = @until
                WHERE "Id" IN (
                    SELECT "Id" FROM "OutboxMessages"
                    WHERE "SentAt" IS NULL AND NOT "GaveUp" AND "NextAttemptAt" <= @now AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" < @now)
                    ORDER BY "Id" LIMIT @batch
                    FOR UPDATE SKIP LOCKED)
                """,
                [new NpgsqlParameter("token", token), new NpgsqlParameter("until", until.ToUniversalTime()),
                 new NpgsqlParameter("now", now.ToUniversalTime()), new NpgsqlParameter("batch", BatchSize)], ct);
        }
        else
        {
            // One process per SQLite file, and each statement runs alone: a plain conditional update claims.
            var due = await db.OutboxMessages.AsNoTracking()
                .Where(m => m.SentAt == null && !m.GaveUp && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now))
                .OrderBy(m => m.Id).Select(m => m.Id).Take(BatchSize).ToListAsync(ct);
            await db.OutboxMessages
                .Where(m => due.Contains(m.Id) && m.SentAt == null && (m.ClaimedUntil == null || m.ClaimedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimToken, token).SetProperty(m => m.ClaimedUntil, until), ct);
        }
        return await db.OutboxMessages.AsNoTracking().Where(m => m.ClaimToken == token).OrderBy(m => m.Id).ToListAsync(ct);
    }

    private async Task FailedAsync(QuestraDbContext db, OutboxMessage message, string token, string error, CancellationToken ct)
    {
        metrics.MailFailed();
        var attempts = message.Attempts + 1;
        var gaveUp = attempts >= options.Value.Outbox.MaxAttempts;
        var next = clock.GetUtcNow() + Backoff(attempts);
        var reason = error.Length > OutboxMessage.LastErrorMaxLength ? error[..OutboxMessage.LastErrorMaxLength] : error;
        await db.OutboxMessages.Where(m => m.Id == message.Id && m.ClaimToken == token)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.NextAttemptAt, next)
                .SetProperty(m => m.LastError, reason)
                .SetProperty(m => m.GaveUp, gaveUp)
                .SetProperty(m => m.ClaimToken, (string?)null)
                .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), ct);
        if (gaveUp)
        {
            logger.LogError("Gave up on message {Id} ({Kind}) after {Attempts} attempts: {Error}", message.Id, message.Kind, attempts, reason);
        }
    }

    /// <summary>30 s, 1 min, 2 min, 4 min … at most an hour between tries.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Min(attempts - 1, 12))));

    private async Task PruneAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var before = clock.GetUtcNow().AddDays(-options.Value.Outbox.KeepSentDays);
        await db.OutboxMessages.Where(m => m.SentAt != null && m.SentAt < before).ExecuteDeleteAsync(ct);
    }

    private MimeMessage ToMime(OutboxMessage message)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(options.Value.From!));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        // The same id on every attempt, so a receiving server can drop a duplicate after a crash mid-send.
        mime.MessageId = $"outbox-{message.Id}-{message.CreatedAt.ToUnixTimeMilliseconds()}@questra";
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }
}
