using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Questra.Web.Data;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Email;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.Webhooks;

/// <summary>
/// Sends webhook messages from the database. Each round it (1) writes one delivery per endpoint that wants each new
/// message, (2) claims due deliveries fairly across endpoints (a conditional update, so each goes to one instance)
/// and posts them, recording every attempt, and (3) prunes old ones. A crash mid-delivery leaves the claim to run out;
/// the delivery is then sent again under the same <c>webhook-id</c>: at least once, never lost.
/// </summary>
public sealed class WebhookDispatcher : BackgroundService
{
    private const int ExcerptBytes = 1024;

    private readonly IServiceScopeFactory scopes;
    private readonly IOptions<WebhookOptions> options;
    private readonly TimeProvider clock;
    private readonly ILogger<WebhookDispatcher> logger;
    private readonly HttpClient client;

    public WebhookDispatcher(IServiceScopeFactory scopes, WebhookTargets targets, IOptions<WebhookOptions> options, TimeProvider clock,
        ILogger<WebhookDispatcher> logger)
    {
        this.scopes = scopes;
        this.options = options;
        this.clock = clock;
        this.logger = logger;
        client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = targets.ConnectAsync, // every connection: resolve, refuse forbidden addresses, connect to the checked one
            ConnectTimeout = TimeSpan.FromSeconds(Math.Min(5, options.Value.TimeoutSeconds)),
            AllowAutoRedirect = false, // a redirect could point anywhere; it counts as a failure
            UseProxy = false, // a proxy would connect on our behalf, past the address check
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 16,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Questra-Webhooks", "1.0"));
    }

    // Longer than one attempt can take (its timeout, then writing its outcome); a crashed run's claims run out after this.
    private TimeSpan ClaimFor => TimeSpan.FromSeconds(options.Value.TimeoutSeconds * 2 + 5);
    private TimeSpan RetryFor => TimeSpan.FromHours(options.Value.RetryHours);

    /// <summary>
    /// The sending loop: keeps up to <see cref="MaxInFlight"/> attempts running, claiming more as each one ends, so
    /// a slow receiver holds only its own slots (at most <see cref="PerEndpoint"/>) and never the others' turn.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
        var outage = new OutageNotice(logger, "Webhook delivery");
        var running = new List<Task>();
        var lastPrune = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var failed = false;
            running.RemoveAll(t => t.IsCompleted);
            try
            {
                while (await FanOutAsync(stoppingToken) == 100) { }
                if (running.Count < MaxInFlight)
                {
                    var (claimed, token) = await ClaimAsync(MaxInFlight - running.Count, stoppingToken);
                    running.AddRange(claimed.Select(d => AttemptLoggedAsync(d, token, stoppingToken)));
                }
                if (clock.GetUtcNow() - lastPrune > TimeSpan.FromMinutes(1))
                {
                    await PruneAsync(stoppingToken);
                    lastPrune = clock.GetUtcNow();
                }
                outage.Succeeded();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                outage.Failed(ex);
                failed = true;
            }
            try
            {
                // Until the next poll, or sooner when an attempt ends and frees its slot (not after a failure: the database gets its pause).
                var delay = Task.Delay(poll, clock, stoppingToken);
                if (failed) await delay;
                else await Task.WhenAny(running.Append(delay)); // an ended attempt is not awaited here: it logged its own failure
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    /// <summary>How many attempts one instance runs at once.</summary>
    public const int MaxInFlight = 8;

    /// <summary>How many attempts one endpoint may have running at once, across instances.</summary>
    public const int PerEndpoint = 4;

    /// <summary>How many attempts one organization's endpoints may have running at once, across instances: half of an instance's slots.</summary>
    public const int PerOrganization = MaxInFlight / 2;

    /// <summary>One round, start to end (for tests and tools): fan out new messages, send what is due until nothing is, prune. Returns the attempts made.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        while (await FanOutAsync(ct) == 100) { }
        var attempts = 0;
        while (true)
        {
            var (claimed, token) = await ClaimAsync(MaxInFlight, ct);
            if (claimed.Count == 0) break;
            await Task.WhenAll(claimed.Select(d => AttemptAsync(d, token, ct)));
            attempts += claimed.Count;
        }
        await PruneAsync(ct);
        return attempts;
    }

    /// <summary>Writes the deliveries of up to 100 new messages: one per enabled, unpaused endpoint that wants the type and existed then.</summary>
    private async Task<int> FanOutAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var service = scope.ServiceProvider.GetRequiredService<WebhookService>();
        var messages = await db.WebhookMessages.AsNoTracking().Where(m => m.FannedOutAt == null).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .Select(m => new { m.Id, m.OrganizationId, m.Type, m.CreatedAt }).Take(100).ToListAsync(ct);
        if (messages.Count == 0) return 0;
        var orgs = messages.Select(m => m.OrganizationId).Distinct().ToList();
        var endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => orgs.Contains(e.OrganizationId) && e.DisabledAt == null).ToListAsync(ct);
        var sending = new List<WebhookEndpoint>();
        foreach (var endpoint in endpoints)
        {
            if (await service.PausedReasonAsync(endpoint, ct) is null) sending.Add(endpoint);
        }
        var now = clock.GetUtcNow();
        foreach (var message in messages)
        {
            var targets = sending.Where(e => e.OrganizationId == message.OrganizationId && e.CreatedAt <= message.CreatedAt && e.Wants(message.Type)).ToList();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Only the instance whose update lands writes the deliveries; another one sees it done.
            var mine = await db.WebhookMessages.Where(m => m.Id == message.Id && m.FannedOutAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.FannedOutAt, now), ct);
            if (mine == 0) continue;
            foreach (var endpoint in targets)
            {
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    MessageId = message.Id, EndpointId = endpoint.Id, OrganizationId = message.OrganizationId, CreatedAt = now, NextAttemptAt = now,
                });
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        return messages.Count;
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due deliveries, fairly: at most <see cref="PerEndpoint"/> of each endpoint
    /// that has none in flight and at most <see cref="PerOrganization"/> in flight per organization, taken in turns
    /// (every organization's first, then every organization's second…; within one, endpoint by endpoint). The claim is
    /// a conditional update, so of two instances reaching for one delivery only one gets it.
    /// </summary>
    private async Task<(List<WebhookDelivery> Claimed, string Token)> ClaimAsync(int limit, CancellationToken ct)
    {
        var token = Guid.NewGuid().ToString("N");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var now = clock.GetUtcNow();
        // Each enabled endpoint with nothing in flight, and its oldest few due deliveries (bounded: endpoints × PerEndpoint).
        var candidates = await db.WebhookEndpoints.AsNoTracking()
            .Where(e => e.DisabledAt == null)
            .Where(e => !db.WebhookDeliveries.Any(c => c.EndpointId == e.Id && c.DeliveredAt == null && c.ClaimedUntil != null && c.ClaimedUntil >= now))
            .SelectMany(e => db.WebhookDeliveries
                .Where(d => d.EndpointId == e.Id && d.DeliveredAt == null && !d.GaveUp && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil < now))
                .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(PerEndpoint))
            .Select(d => new { d.Id, d.EndpointId, d.OrganizationId, d.NextAttemptAt })
            .ToListAsync(ct);
        if (candidates.Count == 0) return ([], token);
        var orgs = candidates.Select(c => c.OrganizationId).Distinct().ToList();
        var busy = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => orgs.Contains(d.OrganizationId) && d.DeliveredAt == null && d.ClaimedUntil != null && d.ClaimedUntil >= now)
            .GroupBy(d => d.OrganizationId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var chosen = candidates.GroupBy(c => c.OrganizationId)
            .SelectMany(org => org.GroupBy(c => c.EndpointId)
                .SelectMany(g => g.OrderBy(c => c.NextAttemptAt).ThenBy(c => c.Id).Select((c, turn) => (c.Id, c.NextAttemptAt, Turn: turn)))
                .OrderBy(c => c.Turn).ThenBy(c => c.NextAttemptAt).ThenBy(c => c.Id)
                .Take(Math.Max(0, PerOrganization - busy.GetValueOrDefault(org.Key)))
                .Select((c, orgTurn) => (c.Id, c.NextAttemptAt, OrgTurn: orgTurn)))
            .OrderBy(c => c.OrgTurn).ThenBy(c => c.NextAttemptAt).ThenBy(c => c.Id).Take(limit).Select(c => c.Id).ToList();
        if (chosen.Count == 0) return ([], token);
        await db.WebhookDeliveries
            .Where(d => chosen.Contains(d.Id) && d.DeliveredAt == null && !d.GaveUp && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimToken, token).SetProperty(d => d.ClaimedUntil, now + ClaimFor), ct);
        return (await db.WebhookDeliveries.AsNoTracking().Where(d => d.ClaimToken == token).OrderBy(d => d.Id).ToListAsync(ct), token);
    }

    /// <summary>An attempt whose failure (say, the database gone mid-way) is logged; its claim runs out and another try follows.</summary>
    private async Task AttemptLoggedAsync(WebhookDelivery delivery, string token, CancellationToken ct)
    {
        try
        {
            await AttemptAsync(delivery, token, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the claim runs out and another instance (or the next start) sends it.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Webhook delivery {Delivery} could not be attempted or recorded; it backs off and is tried again.", delivery.Id);
            await BackOffAsync(delivery, token);
        }
    }

    /// <summary>
    /// After an attempt whose outcome could not be written: counts the attempt and releases the claim with the usual
    /// backoff, so no delivery is sent again and again unrecorded (and it gives up in time). Best effort: with the
    /// database gone, the claim runs out instead.
    /// </summary>
    private async Task BackOffAsync(WebhookDelivery delivery, string token)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
            var attempts = delivery.Attempts + 1;
            var next = clock.GetUtcNow() + Backoff(attempts);
            var gaveUp = next > delivery.CreatedAt + RetryFor;
            await db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.ClaimToken == token)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Attempts, attempts).SetProperty(d => d.NextAttemptAt, next).SetProperty(d => d.GaveUp, gaveUp)
                    .SetProperty(d => d.ClaimToken, (string?)null).SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Webhook delivery {Delivery}: its claim could not be released; it runs out instead.", delivery.Id);
        }
    }

    private async Task AttemptAsync(WebhookDelivery delivery, string token, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == delivery.EndpointId, ct);
        var message = await db.WebhookMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == delivery.MessageId, ct);
        if (endpoint is null || message is null) return; // deleted meanwhile; the prune removes what is left
        var now = clock.GetUtcNow();
        // Changed since the event was queued: switched off, no longer wanting the type, or the person or key behind it
        // gone — nothing more goes to the address.
        var notSent = !endpoint.Enabled ? "the endpoint was disabled."
            : message.Type != WebhookEventTypes.Test && !endpoint.Wants(message.Type) ? "the endpoint no longer subscribes to this event type."
            : await scope.ServiceProvider.GetRequiredService<WebhookService>().PausedReasonAsync(endpoint, ct);
        if (notSent is not null)
        {
            await RecordAsync(scope.ServiceProvider, delivery, token, new Outcome(false, null, null, "Not sent: " + notSent, 0), endpoint, now, ct);
            return;
        }
        var signing = scope.ServiceProvider.GetRequiredService<WebhookSigning>();
        Outcome outcome;
        try
        {
            outcome = await SendAsync(endpoint, message, signing, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Not the receiver's doing (say, a signing secret that no longer unprotects): recorded as a failed attempt,
            // so the delivery backs off and gives up in time instead of being claimed again forever.
            logger.LogError(e, "Webhook delivery {Delivery} to endpoint {Endpoint} could not be sent.", delivery.Id, endpoint.Id);
            outcome = new Outcome(false, null, null, "Could not be sent because of an error on Questra's side; the operator's log has the details.", 0, OurSide: true);
        }
        await RecordAsync(scope.ServiceProvider, delivery, token, outcome, endpoint, clock.GetUtcNow(), ct);
    }

    /// <summary>How an attempt went. <c>OurSide</c>: it failed before reaching the receiver through no fault of theirs (it does not count toward disabling the endpoint).</summary>
    private sealed record Outcome(bool Succeeded, int? StatusCode, string? Excerpt, string? Error, int DurationMs, bool OurSide = false);

    private async Task<Outcome> SendAsync(WebhookEndpoint endpoint, WebhookMessage message, WebhookSigning signing, CancellationToken ct)
    {
        var secrets = new List<string> { signing.Unprotect(endpoint.SecretProtected) };
        if (endpoint.PreviousSecretProtected is { } previous && endpoint.PreviousSecretUntil > clock.GetUtcNow())
        {
            secrets.Add(signing.Unprotect(previous));
        }
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(message.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", message.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSigning.Sign(secrets, message.Id, timestamp, message.Payload));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var excerpt = await ExcerptAsync(response, timeout.Token);
            var code = (int)response.StatusCode;
            var ok = code is >= 200 and < 300;
            return new Outcome(ok, code, excerpt, ok ? null : code is >= 300 and < 400 ? "Redirects are not followed." : null, (int)watch.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Outcome(false, null, null, $"No answer within {options.Value.TimeoutSeconds} s.", (int)watch.ElapsedMilliseconds);
        }
        catch (HttpRequestException e)
        {
            var refused = e.InnerException as WebhookTargetRefusedException ?? e.InnerException?.InnerException as WebhookTargetRefusedException;
            return new Outcome(false, null, null, refused?.Message ?? $"Could not connect: {e.Message}", (int)watch.ElapsedMilliseconds);
        }
    }

    /// <summary>The first bytes of the answer, printable characters only; the rest is not read.</summary>
    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[ExcerptBytes];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0) read += n;
            return Printable(Encoding.UTF8.GetString(buffer, 0, read), WebhookAttempt.ExcerptMaxLength);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>
    /// Text safe to store and show: control characters (NUL among them, which PostgreSQL refuses), half characters
    /// (a lone surrogate, which it refuses too) and characters that disguise text (bidi overrides, zero-width) become
    /// spaces; cut to at most <paramref name="max"/> without splitting a character.
    /// </summary>
    internal static string? Printable(string? text, int max)
    {
        if (text is null) return null;
        var clean = new System.Text.StringBuilder(Math.Min(text.Length, max + 1));
        for (var i = 0; i < text.Length && clean.Length < max; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (clean.Length + 2 > max) break;
                clean.Append(c).Append(text[++i]);
                continue;
            }
            clean.Append(char.IsControl(c) || char.IsSurrogate(c) || PlainText.IsDisguising(c) ? ' ' : c);
        }
        var trimmed = clean.ToString().Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }

    private async Task RecordAsync(IServiceProvider services, WebhookDelivery delivery, string token, Outcome outcome, WebhookEndpoint endpoint,
        DateTimeOffset now, CancellationToken ct)
    {
        services.GetRequiredService<Telemetry.QuestraMetrics>().WebhookAttempt(outcome.Succeeded);
        var db = services.GetRequiredService<QuestraDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var attempts = delivery.Attempts + 1;
        var next = now + Backoff(attempts);
        var gaveUp = !outcome.Succeeded && (next > delivery.CreatedAt + RetryFor || outcome.Error?.StartsWith("Not sent", StringComparison.Ordinal) == true);
        // Recorded only while the claim is still ours: a run whose claim ran out leaves the delivery to the next one.
        var mine = await db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.ClaimToken == token)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Attempts, attempts)
                .SetProperty(d => d.DeliveredAt, outcome.Succeeded ? now : null)
                .SetProperty(d => d.NextAttemptAt, outcome.Succeeded ? now : next)
                .SetProperty(d => d.GaveUp, gaveUp)
                .SetProperty(d => d.ClaimToken, (string?)null)
                .SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), ct);
        if (mine == 0) return;
        db.WebhookAttempts.Add(new WebhookAttempt
        {
            DeliveryId = delivery.Id, EndpointId = endpoint.Id, At = now, Succeeded = outcome.Succeeded, StatusCode = outcome.StatusCode,
            DurationMs = outcome.DurationMs, ResponseExcerpt = outcome.Excerpt,
            Error = Printable(outcome.Error, WebhookAttempt.ErrorMaxLength),
        });
        await db.SaveChangesAsync(ct);
        if (outcome.Succeeded)
        {
            await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && e.FailingSince != null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, (DateTimeOffset?)null), ct);
        }
        else if (!outcome.OurSide && outcome.Error?.StartsWith("Not sent", StringComparison.Ordinal) != true)
        {
            await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && e.FailingSince == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, now), ct);
            var since = await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id).Select(e => e.FailingSince).FirstOrDefaultAsync(ct);
            if (since is { } failing && now - failing >= RetryFor) await DisableAsync(db, services.GetRequiredService<Mailer>(), endpoint, failing, now, ct);
        }
        await tx.CommitAsync(ct);
        if (!outcome.Succeeded)
        {
            logger.LogInformation("Webhook delivery {Delivery} to endpoint {Endpoint} failed ({Status}): {Error}{GaveUp}", delivery.Id, endpoint.Id,
                outcome.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer", outcome.Error ?? "non-2xx answer",
                gaveUp ? "; giving up." : $"; next try at {next:HH:mm:ss} UTC.");
        }
    }

    /// <summary>A day of failures: the endpoint is switched off, audited, and its organization's owners and admins are told.</summary>
    private async Task DisableAsync(QuestraDbContext db, Mailer mailer, WebhookEndpoint endpoint, DateTimeOffset failingSince, DateTimeOffset now, CancellationToken ct)
    {
        var reason = $"Failing since {failingSince:yyyy-MM-dd HH:mm} UTC.";
        var changed = await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && e.DisabledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.DisabledAt, now).SetProperty(e => e.DisabledReason, reason), ct);
        if (changed == 0) return;
        db.AddOperatorEvent(endpoint.OrganizationId, AuditEventTypes.WebhookDisabled, endpoint.Id, now, new { url = endpoint.Url, reason });
        var org = await db.Organizations.AsNoTracking().Where(o => o.Id == endpoint.OrganizationId).Select(o => o.Name).FirstOrDefaultAsync(ct) ?? endpoint.OrganizationId;
        var admins = await db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == endpoint.OrganizationId && (m.Role == OrgRole.Owner || m.Role == OrgRole.Admin))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.Email).Where(e => e != null).ToListAsync(ct);
        foreach (var admin in admins) mailer.Enqueue(Messages.WebhookDisabled(admin!, org, endpoint.Url, failingSince, mailer.Link("settings/webhooks"), now));
        await db.SaveChangesAsync(ct);
        logger.LogWarning("Disabled webhook endpoint {Endpoint}: no delivery succeeded since {Since:u}.", endpoint.Id, failingSince);
    }

    /// <summary>5 s, 1 min, 5 min, 30 min, 1 h, 2 h, 4 h, then every 8 h, until <see cref="WebhookOptions.RetryHours"/> have passed.</summary>
    public static TimeSpan Backoff(int attempts) => attempts switch
    {
        1 => TimeSpan.FromSeconds(5),
        2 => TimeSpan.FromMinutes(1),
        3 => TimeSpan.FromMinutes(5),
        4 => TimeSpan.FromMinutes(30),
        5 => TimeSpan.FromHours(1),
        6 => TimeSpan.FromHours(2),
        7 => TimeSpan.FromHours(4),
        _ => TimeSpan.FromHours(8),
    };

    private async Task PruneAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var before = clock.GetUtcNow().AddDays(-options.Value.KeepDays);
        var old = db.WebhookDeliveries.Where(d => (d.DeliveredAt != null || d.GaveUp) && d.CreatedAt < before);
        await db.WebhookAttempts.Where(a => old.Any(d => d.Id == a.DeliveryId)).ExecuteDeleteAsync(ct);
        await old.ExecuteDeleteAsync(ct);
        await db.WebhookMessages.Where(m => m.FannedOutAt != null && m.CreatedAt < before && !db.WebhookDeliveries.Any(d => d.MessageId == m.Id))
            .ExecuteDeleteAsync(ct);
    }
}
