using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Audit;

using static Questra.Web.Features.ApiKeys.ApiKeyInputRules;

namespace Questra.Web.Features.ApiKeys;

/// <summary>Rolling: a replacement secret, the old key's grace period, and the lineage moved to the replacement.</summary>
public sealed partial class ApiKeyService
{
    /// <summary>
    /// A replacement with the same owner, name, scopes, surveys, parent and expiry, its secret shown once; the old
    /// key keeps working until the grace period ends (0 hours revokes it now) and its children move to the
    /// replacement. Only the owner may roll a key: the new secret acts as the owner. Through a key, the expiry never
    /// moves; in the dashboard the owner may pick a new one, within the parent key's.
    /// </summary>
    public async Task<ServiceResult<CreatedApiKey>> RollAsync(string organizationId, Caller caller, string keyId, RollOptions options, IdempotentRequest? idempotency = null, CancellationToken ct = default)
    {
        var found = await FindManageableAsync(organizationId, caller, keyId, ct, track: true);
        if (!found.Succeeded) return found.Error;
        var old = found.Value;
        var now = clock.GetUtcNow();
        if (options.GraceHours is < 0 or > MaxGraceHours)
        {
            return ServiceError.Field("grace_period_hours", $"The grace period must be between 0 and {MaxGraceHours} hours.");
        }
        if (old.CreatedByUserId != caller.UserId)
        {
            return ServiceError.Forbidden("Only the key's owner can roll it: the new secret would act as the owner. Revoke or delete the key instead, and ask its owner for a new one.");
        }
        if (old.ReplacedByKeyId is { } replacement)
        {
            return new ServiceError(ErrorKind.Conflict, $"This key was already rolled (its replacement is {replacement}); roll the replacement instead.");
        }
        if (old.IsRevoked)
        {
            return new ServiceError(ErrorKind.Conflict, "This key is revoked; a revoked key cannot be rolled. Create a new key instead.");
        }
        if (old.IsExpiredAt(now))
        {
            return new ServiceError(ErrorKind.Conflict, $"This key expired at {old.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}; an expired key cannot be rolled. Create a new key instead.");
        }
        var eligibility = await CheckCreationAsync(organizationId, caller.UserId, ct);
        if (!eligibility.Allowed)
        {
            return ServiceError.Forbidden(eligibility.Message);
        }

        var expires = old.ExpiresAt;
        if (options.NewExpiry is { } change)
        {
            if (caller.Key is not null)
            {
                return ServiceError.Field("expires_at", "Rolling through the API keeps the key's expiry; change it in the dashboard.");
            }
            var errors = new Dictionary<string, string[]>();
            ValidateExpiry(change.ExpiresAt, now, errors);
            if (errors.Count == 0 && old.ParentKeyId is { } parentId
                && await db.ApiKeys.AsNoTracking().Where(k => k.Id == parentId).Select(k => k.ExpiresAt).FirstOrDefaultAsync(ct) is { } parentExpiry
                && (change.ExpiresAt is null || change.ExpiresAt > parentExpiry))
            {
                errors["expires_at"] = [$"This key was made by another key and cannot outlive it: choose a date no later than {parentExpiry:yyyy-MM-dd HH:mm} UTC."];
            }
            if (errors.Count > 0)
            {
                return Invalid(errors);
            }
            expires = change.ExpiresAt;
        }
        if (caller.Key is { } grant)
        {
            // The replacement's secret goes to the calling key's holder: it may not outlive the calling key — as that
            // key is stored now, not as a cached copy says (another instance's roll may have shortened it).
            var callerExpiry = grant.KeyId == old.Id ? old.ExpiresAt
                : await db.ApiKeys.AsNoTracking().Where(k => k.Id == grant.KeyId).Select(k => k.ExpiresAt).FirstOrDefaultAsync(ct);
            if (callerExpiry is { } callerLimit && (expires is null || expires > callerLimit))
            {
                return ServiceError.Forbidden("A key cannot roll a key that lives longer than itself; roll it in the dashboard or with a longer-lived key.");
            }
        }

        if ((await PolicyOfAsync(organizationId, ct)).Lifetime.CheckNewExpiry(expires, now) is { } tooLong)
        {
            return ServiceError.Field("expires_at", caller.Key is null ? tooLong
                : $"{tooLong} Rolling through the API keeps the key's expiry; roll it in the dashboard, where a new expiry can be chosen.");
        }

        var created = NewKey(organizationId, old.CreatedByUserId, old.Name, old.Scopes, old.SurveyIds, now, expires, old.ParentKeyId);
        created.Key.AllowedIps = old.AllowedIps; // the replacement may be used from where the old key could
        created.Key.SecretUnconfirmed = true; // until Done in the dashboard, or the first use
        await ForgetExpiredAsync(caller, idempotency, now, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (old.ParentKeyId is { } parentKeyId)
        {
            // The replacement hangs under the key that made the old one: that key must still work, and a revocation
            // of it now waits for this roll and then finds the replacement among its children.
            if (await KeyLineage.LockLiveParentAsync(db, parentKeyId, now, ct) is not { } parent)
            {
                return new ServiceError(ErrorKind.Conflict, "The key that made this key was revoked, deleted or expired a moment ago, and this key stops with it; it cannot be rolled.");
            }
            // Read after the lock: a roll of that key which committed meanwhile moved this key under its replacement.
            if (await db.ApiKeys.AsNoTracking().Where(k => k.Id == old.Id).Select(k => k.ParentKeyId).FirstOrDefaultAsync(ct) != parentKeyId)
            {
                return new ServiceError(ErrorKind.Conflict, "The key that made this key was rolled a moment ago; reload this key and roll it again.");
            }
            if (parent.ExpiresAt is { } parentLimit && (expires is null || expires > parentLimit))
            {
                expires = parentLimit; // that key's expiry was brought forward after the copy this request read
                created.Key.ExpiresAt = parentLimit;
            }
        }
        if (await RememberFirstAsync(organizationId, caller, idempotency, created.Key, now, ct) is { } race) return race;
        db.ApiKeys.Add(created.Key);
        old.ReplacedByKeyId = created.Key.Id;
        if (options.GraceHours == 0)
        {
            old.RevokedAt = now;
        }
        else
        {
            var graceEnd = now.AddHours(options.GraceHours);
            if (old.ExpiresAt is null || old.ExpiresAt > graceEnd) old.ExpiresAt = graceEnd;
        }
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.ApiKeyRolled, old.Id, now,
            new { name = old.Name, prefix = old.Prefix, replaced_by = created.Key.Id, replaced_by_prefix = created.Key.Prefix,
                grace_period_hours = options.GraceHours, works_until = old.RevokedAt ?? old.ExpiresAt });
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.ApiKeyCreated, created.Key.Id, now, Describe(created.Key, rolledFrom: old.Id));
        await notices.RolledAsync(old, created.Key, caller, ct);
        if (await SaveUnlessGoneAsync(old.Id, ct) is { } gone) return gone;
        // The old key's children now hang off the replacement (they keep working after the grace period), and
        // none of them may outlive it.
        await db.ApiKeys.Where(k => k.OrganizationId == organizationId && k.ParentKeyId == old.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.ParentKeyId, created.Key.Id), ct);
        if (expires is { } limit)
        {
            await KeyLineage.ClampDescendantsExpiryAsync(db, organizationId, created.Key.Id, limit, ct);
        }
        await tx.CommitAsync(ct);
        await cacheSync.KeysChangedAsync(); // the old key now expires sooner than any cached copy says
        return created;
    }
}
