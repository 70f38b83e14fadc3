using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Questra.Web.Data;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.Webhooks;

/// <summary>What a person or key sends to add or change an endpoint.</summary>
public sealed record WebhookInput(string? Url, IReadOnlyList<string>? Events, string? Description);

/// <summary>An endpoint as the dashboard and the API show it: why it is paused (if it is) and how its deliveries go.</summary>
public sealed record WebhookEndpointView(WebhookEndpoint Endpoint, string? PausedReason, int Pending, DateTimeOffset? LastDeliveredAt, int? LastStatusCode);

/// <summary>A new endpoint or a rolled secret: the signing secret, shown this once.</summary>
public sealed record WebhookSecretShown(WebhookEndpoint Endpoint, string Secret)
{
    public override string ToString() => $"WebhookSecretShown {{ Endpoint = {Endpoint.Id} }}";
}

/// <summary>One message to one endpoint and its most recent attempts.</summary>
public sealed record WebhookDeliveryView(long Id, string MessageId, string Type, DateTimeOffset CreatedAt, string State, int Attempts,
    DateTimeOffset? NextAttemptAt, IReadOnlyList<WebhookAttempt> RecentAttempts);

/// <summary>
/// Every rule about webhook endpoints, for the dashboard and the API alike. Owners and admins manage them; a key
/// may too, with <c>api_keys:write</c>, only if it reaches every key of the organization (all scopes, every survey,
/// no address list of its own or its ancestors'), because endpoints hear about every key.
/// </summary>
public sealed class WebhookService(QuestraDbContext db, WebhookTargets targets, WebhookSigning signing, IOptions<WebhookOptions> options,
    TimeProvider clock)
{
    /// <summary>How long a rolled secret keeps signing beside the new one.</summary>
    public static readonly TimeSpan SecretOverlap = TimeSpan.FromHours(24);

    public const string NotForThisKey = "Webhooks report on every key of the organization, so only a key that reaches every key can manage them: " +
        "all scopes, every survey, and no allowed-address list of its own or its parent's. Use the dashboard (Settings → Webhooks) or such a key.";

    public async Task<ServiceResult<IReadOnlyList<WebhookEndpointView>>> ListAsync(string organizationId, Caller caller, CancellationToken ct = default)
    {
        if (await AuthorizeAsync(organizationId, caller, ct) is { } denied) return denied;
        var endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => e.OrganizationId == organizationId).OrderBy(e => e.CreatedAt).ToListAsync(ct);
        var views = new List<WebhookEndpointView>();
        foreach (var endpoint in endpoints) views.Add(await ViewAsync(endpoint, ct));
        return views;
    }

    public async Task<ServiceResult<WebhookEndpointView>> GetAsync(string organizationId, Caller caller, string id, CancellationToken ct = default)
    {
        var found = await FindAsync(organizationId, caller, id, ct);
        return found.Succeeded ? await ViewAsync(found.Value, ct) : found.Error;
    }

    public async Task<ServiceResult<WebhookSecretShown>> CreateAsync(string organizationId, Caller caller, WebhookInput input, CancellationToken ct = default)
    {
        if (await AuthorizeAsync(organizationId, caller, ct) is { } denied) return denied;
        var (url, events, description, errors) = await ValidateAsync(input, ct);
        if (errors is not null) return errors;
        var count = await db.WebhookEndpoints.CountAsync(e => e.OrganizationId == organizationId, ct);
        if (count >= options.Value.MaxEndpointsPerOrganization)
        {
            return ServiceError.Forbidden($"An organization may have at most {options.Value.MaxEndpointsPerOrganization} webhook endpoints; delete one first.");
        }
        var secret = WebhookSigning.NewSecret();
        var now = clock.GetUtcNow();
        var endpoint = new WebhookEndpoint
        {
            Id = Ids.New("whe_"),
            OrganizationId = organizationId,
            Url = url!,
            EventTypes = string.Join(' ', events!),
            Description = description,
            SecretProtected = signing.Protect(secret),
            CreatedByUserId = caller.UserId,
            CreatedByKeyId = caller.ApiKeyId,
            CreatedAt = now,
        };
        db.WebhookEndpoints.Add(endpoint);
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.WebhookCreated, endpoint.Id, now, new { url = endpoint.Url, events = endpoint.Events });
        await db.SaveChangesAsync(ct);
        return new WebhookSecretShown(endpoint, secret);
    }

    public async Task<ServiceResult<WebhookEndpointView>> UpdateAsync(string organizationId, Caller caller, string id, WebhookInput input, CancellationToken ct = default)
    {
        var found = await FindAsync(organizationId, caller, id, ct, track: true);
        if (!found.Succeeded) return found.Error;
        var (url, events, description, errors) = await ValidateAsync(input, ct);
        if (errors is not null) return errors;
        var endpoint = found.Value;
        if (await PausedReasonAsync(endpoint, ct) is { } paused) return new ServiceError(ErrorKind.Conflict, paused);
        var before = new { url = endpoint.Url, events = endpoint.Events, description = endpoint.Description };
        if (!string.Equals(endpoint.Url, url, StringComparison.Ordinal))
        {
            // Whoever points it somewhere answers for it: it pauses when they (or their key) can no longer manage webhooks.
            endpoint.CreatedByUserId = caller.UserId;
            endpoint.CreatedByKeyId = caller.ApiKeyId;
        }
        endpoint.Url = url!;
        endpoint.EventTypes = string.Join(' ', events!);
        endpoint.Description = description;
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.WebhookUpdated, endpoint.Id, clock.GetUtcNow(),
            new { before, after = new { url = endpoint.Url, events = endpoint.Events, description = endpoint.Description }, answers_to = caller.ApiKeyId ?? caller.UserId });
        await db.SaveChangesAsync(ct);
        return await ViewAsync(endpoint, ct);
    }

    /// <summary>
    /// A new signing secret, shown once. The old one keeps signing beside it for <see cref="SecretOverlap"/> — unless
    /// the endpoint was paused because the person or key behind it is gone: then the caller takes it over, the old
    /// secret (which they may still hold) stops at once, and the endpoint stays switched off until the caller has
    /// checked the address the departed person chose and enables it.
    /// </summary>
    public async Task<ServiceResult<WebhookSecretShown>> RollSecretAsync(string organizationId, Caller caller, string id, CancellationToken ct = default)
    {
        var found = await FindAsync(organizationId, caller, id, ct, track: true);
        if (!found.Succeeded) return found.Error;
        var endpoint = found.Value;
        var now = clock.GetUtcNow();
        var takeover = await PausedReasonAsync(endpoint, ct) is not null;
        var secret = WebhookSigning.NewSecret();
        endpoint.PreviousSecretProtected = takeover ? null : endpoint.SecretProtected;
        endpoint.PreviousSecretUntil = takeover ? null : now + SecretOverlap;
        endpoint.SecretProtected = signing.Protect(secret);
        if (takeover)
        {
            endpoint.CreatedByUserId = caller.UserId;
            endpoint.CreatedByKeyId = caller.ApiKeyId;
            endpoint.DisabledAt ??= now;
            endpoint.DisabledReason = TakenOver;
            endpoint.FailingSince = null;
        }
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.WebhookSecretRolled, endpoint.Id, now,
            new { url = endpoint.Url, previous_secret_until = endpoint.PreviousSecretUntil, taken_over = takeover });
        await db.SaveChangesAsync(ct);
        return new WebhookSecretShown(endpoint, secret);
    }

    public const string TakenOver = "Taken over: check the address (the previous member chose it) and the event types, then enable it.";

    public async Task<ServiceResult<WebhookEndpointView>> SetEnabledAsync(string organizationId, Caller caller, string id, bool enabled, CancellationToken ct = default)
    {
        var found = await FindAsync(organizationId, caller, id, ct, track: true);
        if (!found.Succeeded) return found.Error;
        var endpoint = found.Value;
        if (endpoint.Enabled != enabled)
        {
            var now = clock.GetUtcNow();
            endpoint.DisabledAt = enabled ? null : now;
            endpoint.DisabledReason = enabled ? null : "Disabled by a person.";
            endpoint.FailingSince = null;
            db.AddAuditEvent(organizationId, caller, enabled ? AuditEventTypes.WebhookEnabled : AuditEventTypes.WebhookDisabled, endpoint.Id, now, new { url = endpoint.Url });
            await db.SaveChangesAsync(ct);
        }
        return await ViewAsync(endpoint, ct);
    }

    public async Task<ServiceResult<bool>> DeleteAsync(string organizationId, Caller caller, string id, CancellationToken ct = default)
    {
        var found = await FindAsync(organizationId, caller, id, ct, track: true);
        if (!found.Succeeded) return found.Error;
        var endpoint = found.Value;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.WebhookEndpoints.Remove(endpoint);
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.WebhookDeleted, endpoint.Id, clock.GetUtcNow(), new { url = endpoint.Url });
        await db.SaveChangesAsync(ct);
        var deliveries = db.WebhookDeliveries.Where(d => d.EndpointId == endpoint.Id);
        await db.WebhookAttempts.Where(a => a.EndpointId == endpoint.Id).ExecuteDeleteAsync(ct);
        await deliveries.ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Queues a <c>webhook.test</c> event to this endpoint alone.</summary>
    public async Task<ServiceResult<WebhookDeliveryView>> SendTestAsync(string organizationId, Caller caller, string id, CancellationToken ct = default)
    {
        var found = await FindAsync(organizationId, caller, id, ct);
        if (!found.Succeeded) return found.Error;
        var endpoint = found.Value;
        if (await Unsendable(endpoint, ct) is { } why) return why;
        if (await TooManyWaitingAsync(endpoint.Id, ct) is { } busy) return busy;
        var now = clock.GetUtcNow();
        var message = WebhookEvents.Test(organizationId, endpoint.Id, now);
        message.FannedOutAt = now;
        var delivery = new WebhookDelivery { MessageId = message.Id, EndpointId = endpoint.Id, OrganizationId = organizationId, CreatedAt = now, NextAttemptAt = now };
        db.WebhookMessages.Add(message);
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(ct);
        return new WebhookDeliveryView(delivery.Id, message.Id, message.Type, now, "pending", 0, now, []);
    }

    /// <summary>The endpoint's most recent deliveries, newest first, each with its latest attempts.</summary>
    public async Task<ServiceResult<IReadOnlyList<WebhookDeliveryView>>> DeliveriesAsync(string organizationId, Caller caller, string id, int limit = 50,
        CancellationToken ct = default)
    {
        var found = await FindAsync(organizationId, caller, id, ct);
        if (!found.Succeeded) return found.Error;
        var rows = await db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == id)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(Math.Clamp(limit, 1, 100))
            .Join(db.WebhookMessages, d => d.MessageId, m => m.Id, (d, m) => new { Delivery = d, m.Type }).ToListAsync(ct);
        var ids = rows.Select(r => r.Delivery.Id).ToList();
        var attempts = (await db.WebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).ToListAsync(ct))
            .GroupBy(a => a.DeliveryId).ToDictionary(g => g.Key, g => (IReadOnlyList<WebhookAttempt>)g.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(5).ToList());
        return rows.Select(r => new WebhookDeliveryView(r.Delivery.Id, r.Delivery.MessageId, r.Type, r.Delivery.CreatedAt, StateOf(r.Delivery),
            r.Delivery.Attempts, r.Delivery.DeliveredAt is null && !r.Delivery.GaveUp ? r.Delivery.NextAttemptAt : null,
            attempts.GetValueOrDefault(r.Delivery.Id, []))).ToList();
    }

    /// <summary>Sends a delivery again — delivered, failed or waiting — at once, under the same <c>webhook-id</c> and body.</summary>
    public async Task<ServiceResult<bool>> ResendAsync(string organizationId, Caller caller, string endpointId, long deliveryId, CancellationToken ct = default)
    {
        var found = await FindAsync(organizationId, caller, endpointId, ct);
        if (!found.Succeeded) return found.Error;
        if (await Unsendable(found.Value, ct) is { } why) return why;
        if (await TooManyWaitingAsync(endpointId, ct) is { } busy) return busy;
        var now = clock.GetUtcNow();
        var sending = await db.WebhookDeliveries.AnyAsync(d => d.Id == deliveryId && d.EndpointId == endpointId && d.ClaimedUntil != null && d.ClaimedUntil > now, ct);
        if (sending) return new ServiceError(ErrorKind.Conflict, "This delivery is being sent right now; see how it went in a moment.");
        var changed = await db.WebhookDeliveries.Where(d => d.Id == deliveryId && d.EndpointId == endpointId && (d.ClaimedUntil == null || d.ClaimedUntil <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.DeliveredAt, (DateTimeOffset?)null).SetProperty(d => d.GaveUp, false)
                .SetProperty(d => d.NextAttemptAt, now).SetProperty(d => d.CreatedAt, now), ct);
        return changed == 1 ? true : ServiceError.NotFound("There is no such delivery for this endpoint (older ones are removed after a while).");
    }

    /// <summary>Test events and resends wait behind what is queued; past <see cref="MaxWaiting"/> they are refused, so no one can fill the queue by clicking.</summary>
    private async Task<ServiceError?> TooManyWaitingAsync(string endpointId, CancellationToken ct) =>
        await db.WebhookDeliveries.CountAsync(d => d.EndpointId == endpointId && d.DeliveredAt == null && !d.GaveUp, ct) >= MaxWaiting
            ? new ServiceError(ErrorKind.Conflict, $"{MaxWaiting} or more events are waiting to be sent to this endpoint; try again when they have gone out.")
            : null;

    /// <summary>How many unsent deliveries an endpoint may have before a test event or a resend is refused.</summary>
    public const int MaxWaiting = 20;

    internal static string StateOf(WebhookDelivery d) =>
        d.DeliveredAt is not null ? "delivered" : d.GaveUp ? "failed" : d.Attempts == 0 ? "pending" : "retrying";

    /// <summary>
    /// Why an endpoint does not send, though enabled: the member who made it is no longer an owner or admin, or the key
    /// that made it no longer works. Null while it may send. Taking it over (rolling its secret) gives it a new owner.
    /// </summary>
    public async Task<string?> PausedReasonAsync(WebhookEndpoint endpoint, CancellationToken ct)
    {
        var role = await db.RoleOfAsync(endpoint.OrganizationId, endpoint.CreatedByUserId, ct);
        if (role is not (OrgRole.Owner or OrgRole.Admin))
        {
            return "Paused: the member who set it up (or last changed its address) is no longer an owner or admin here. Roll its signing secret to take it over.";
        }
        if (endpoint.CreatedByKeyId is not { } keyId) return null;
        if (!await KeyLineage.WorksAsync(db, keyId, clock.GetUtcNow(), ct))
        {
            return "Paused: the API key that set it up (or last changed its address) no longer works (revoked, deleted, expired, rolled or blocked by the key policy). Roll its signing secret to take it over.";
        }
        if (await KeyLineage.AddressRestrictedAsync(db, keyId, ct))
        {
            // The same rule as managing webhooks with a key: one limited to certain addresses (or below one that is) may not.
            return "Paused: the API key that set it up (or last changed its address) is now limited to certain addresses, so it may no longer manage webhooks. Roll its signing secret to take it over.";
        }
        return null;
    }

    private async Task<ServiceError?> Unsendable(WebhookEndpoint endpoint, CancellationToken ct) =>
        !endpoint.Enabled ? new ServiceError(ErrorKind.Conflict, "The endpoint is disabled; enable it first.")
        : await PausedReasonAsync(endpoint, ct) is { } paused ? new ServiceError(ErrorKind.Conflict, paused)
        : null;

    private async Task<WebhookEndpointView> ViewAsync(WebhookEndpoint endpoint, CancellationToken ct)
    {
        var pending = await db.WebhookDeliveries.CountAsync(d => d.EndpointId == endpoint.Id && d.DeliveredAt == null && !d.GaveUp, ct);
        var last = await db.WebhookAttempts.AsNoTracking().Where(a => a.EndpointId == endpoint.Id).OrderByDescending(a => a.Id)
            .Select(a => new { a.At, a.StatusCode, a.Succeeded }).FirstOrDefaultAsync(ct);
        var lastDelivered = await db.WebhookDeliveries.Where(d => d.EndpointId == endpoint.Id && d.DeliveredAt != null)
            .MaxAsync(d => (DateTimeOffset?)d.DeliveredAt, ct);
        return new WebhookEndpointView(endpoint, await PausedReasonAsync(endpoint, ct), pending, lastDelivered, last?.StatusCode);
    }

    private async Task<ServiceResult<WebhookEndpoint>> FindAsync(string organizationId, Caller caller, string id, CancellationToken ct, bool track = false)
    {
        if (await AuthorizeAsync(organizationId, caller, ct) is { } denied) return denied;
        var query = track ? db.WebhookEndpoints : db.WebhookEndpoints.AsNoTracking();
        return await query.FirstOrDefaultAsync(e => e.Id == id && e.OrganizationId == organizationId, ct) is { } endpoint
            ? endpoint
            : ServiceError.NotFound("There is no webhook endpoint with this id in the organization.");
    }

    private async Task<ServiceError?> AuthorizeAsync(string organizationId, Caller caller, CancellationToken ct)
    {
        var role = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        if (role is null) return ServiceError.NotAMember;
        if (role is not (OrgRole.Owner or OrgRole.Admin)) return ServiceError.Forbidden("Only owners and admins can manage webhooks.");
        if (caller.Key is { } key && (key.Scopes != ApiScopes.FullAccess || key.SurveyIds is not null || key.IsAddressRestricted))
        {
            return ServiceError.Forbidden(NotForThisKey);
        }
        return null;
    }

    private async Task<(string? Url, IReadOnlyList<string>? Events, string? Description, ServiceError? Error)> ValidateAsync(WebhookInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var (url, urlError) = await targets.CheckAsync(input.Url, ct);
        if (urlError is not null) errors["url"] = [urlError];
        var events = (input.Events ?? []).Select(e => e?.Trim() ?? "").Where(e => e.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var unknown = events.Where(e => !WebhookEventTypes.IsKnown(e)).ToList();
        if (unknown.Count > 0)
        {
            errors["events"] = [$"Unknown event type(s): {string.Join(", ", unknown.Take(5).Select(u => $"'{new string(u.Take(40).Where(c => !char.IsControl(c)).ToArray())}'"))}. " +
                $"Valid types: {string.Join(", ", WebhookEventTypes.All)}."];
        }
        else if (events.Count == 0)
        {
            errors["events"] = ["Choose at least one event type."];
        }
        var description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        if (description is { Length: > WebhookEndpoint.DescriptionMaxLength })
        {
            errors["description"] = [$"The description may be at most {WebhookEndpoint.DescriptionMaxLength} characters."];
        }
        else if (description is not null && PlainText.FirstDisguising(description) is { } bad)
        {
            errors["description"] = [$"The description may not contain the character U+{(int)bad:X4}."];
        }
        if (errors.Count > 0)
        {
            return (null, null, null, new ServiceError(ErrorKind.Validation, string.Join(" ", errors.Values.SelectMany(v => v)), errors));
        }
        return (url, events.OrderBy(e => WebhookEventTypes.All.ToList().IndexOf(e)).ToList(), description, null);
    }
}
