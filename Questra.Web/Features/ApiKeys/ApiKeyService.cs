using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;

using static Questra.Web.Features.ApiKeys.ApiKeyInputRules;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Every rule about API keys lives in this class (creation eligibility, expiry, revoke/delete/roll, scopes and survey
/// restriction, who sees which key, and lineage: no key does more, reaches further or lives longer than what made
/// it); the dashboard and the API both call it. This file: create, list, get, revoke, delete; rolling, eligibility
/// and the dashboard's extras are in the ApiKeyService.*.cs files beside it.
/// Checking a presented secret is <see cref="ApiKeyAuthenticator"/>'s job. Secrets are generated here, hashed here,
/// and handed back exactly once, by <see cref="CreateAsync"/> and <see cref="RollAsync"/>. Nothing in this class logs
/// or stores a secret.
/// </summary>
public sealed partial class ApiKeyService(QuestraDbContext db, SurveyAccess surveys, TimeProvider clock, ApiKeyCacheSync cacheSync, KeyNotices notices)
{
    public const int NameMaxLength = 100;
    public const int MaxGraceHours = 168;
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3660);

    public async Task<ServiceResult<CreatedApiKey>> CreateAsync(string organizationId, Caller caller, ApiKeyInput input, IdempotentRequest? idempotency = null, CancellationToken ct = default)
    {
        var (eligibility, role, policy) = await EligibilityAsync(organizationId, caller.UserId, ct);
        if (role is null) return ServiceError.NotAMember;
        if (!eligibility.Allowed)
        {
            return ServiceError.Forbidden(eligibility.Message);
        }
        var now = clock.GetUtcNow();

        var errors = new Dictionary<string, string[]>();
        var name = ValidateName(input.Name, errors);
        var scopes = ResolveScopes(input.Scopes, caller.Key, errors, out var scopeEscalation);
        if (scopeEscalation is not null)
        {
            return ServiceError.Forbidden(scopeEscalation);
        }
        var surveyIds = input.SurveyIds ?? caller.Key?.SurveyIds;
        if (caller.Key?.SurveyIds is { } allowed && surveyIds is not null && surveyIds.Except(allowed).Any())
        {
            return ServiceError.Forbidden("A key cannot create a key for surveys outside its own survey restriction.");
        }
        // A key's child lives no longer than the key: omitted means the key's own expiry, later is refused.
        var expiresAt = input.ExpiresAt ?? caller.Key?.ExpiresAt;
        ValidateExpiry(input.ExpiresAt, now, errors);
        if (!errors.ContainsKey("expires_at") && caller.Key?.ExpiresAt is { } limit && (expiresAt is null || expiresAt > limit))
        {
            errors["expires_at"] = [$"A key cannot create a key that outlives it: expires_at must be no later than {limit:yyyy-MM-ddTHH:mm:ssZ}, the calling key's expiry (leave it out to use that)."];
        }
        if (!errors.ContainsKey("expires_at") && policy.Lifetime.CheckNewExpiry(expiresAt, now) is { } tooLong)
        {
            errors["expires_at"] = [tooLong];
        }
        if (input.SurveyIds is not null)
        {
            await ValidateSurveysAsync(new SurveyViewer(organizationId, caller.UserId, role!.Value, caller.Key?.SurveyIds), input.SurveyIds, errors, ct);
        }
        var addresses = ParseAddresses(input.AllowedIps ?? [], errors) ?? AddressList.Empty;
        CheckAgainstCaller(addresses, caller.Key, emptyInherits: true, errors);
        CheckAgainstOrganization(addresses, policy.AllowedAddresses, errors);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var created = NewKey(organizationId, caller.UserId, name!, scopes, surveyIds, now, expiresAt, caller.Key?.KeyId);
        // Until Done in the dashboard's dialog, or the key's first use: the one showing may have been lost.
        created.Key.SecretUnconfirmed = true;
        created.Key.AllowedIps = addresses.Format();
        await ForgetExpiredAsync(caller, idempotency, now, ct);
        if (caller.Key is { } maker && await KeyLineage.DepthBelowAsync(db, maker.KeyId, ct) >= KeyLineage.MaxDepth)
        {
            return ServiceError.Forbidden($"Keys made by keys may be at most {KeyLineage.MaxDepth} levels deep, and the calling key is at the limit: create this key with a key nearer the top, or in the dashboard.");
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await RememberFirstAsync(organizationId, caller, idempotency, created.Key, now, ct) is { } race) return race;
        if (caller.Key is { } parent)
        {
            // Last before the insert, so the lock is held briefly (a revocation of the calling key waits for it).
            if (await KeyLineage.LockLiveParentAsync(db, parent.KeyId, now, ct) is not { } live)
            {
                // The calling key was revoked, deleted or expired between its authentication and now.
                return ServiceError.Forbidden("The calling API key was revoked or expired a moment ago; it cannot create keys.");
            }
            if (live.ExpiresAt is { } current && (expiresAt is null || expiresAt > current))
            {
                // Its expiry was brought forward (a roll's grace period) after the copy this request saw.
                if (input.ExpiresAt is not null)
                {
                    return ServiceError.Field("expires_at", $"A key cannot create a key that outlives it: expires_at must be no later than {current:yyyy-MM-ddTHH:mm:ssZ}, the calling key's expiry (leave it out to use that).");
                }
                created.Key.ExpiresAt = current;
            }
        }
        db.ApiKeys.Add(created.Key);
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.ApiKeyCreated, created.Key.Id, now, Describe(created.Key));
        await notices.CreatedAsync(created.Key, caller, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return created;
    }

    public async Task<ServiceResult<Page<ApiKey>>> ListAsync(string organizationId, Caller caller, ApiKeyQuery query, CancellationToken ct = default) =>
        await ListAsync(organizationId, caller, await db.RoleOfAsync(organizationId, caller.UserId, ct), query, ct);

    /// <summary>As above, with the caller's role already read (null: not a member).</summary>
    private async Task<ServiceResult<Page<ApiKey>>> ListAsync(string organizationId, Caller caller, OrgRole? role, ApiKeyQuery query, CancellationToken ct)
    {
        if (role is null)
        {
            return ServiceError.NotAMember;
        }
        if (query.Flags is { Count: > 0 } flags)
        {
            var rows = await HygieneAsync(organizationId, caller, ct);
            if (!rows.Succeeded) return rows.Error;
            var matching = rows.Value.Where(r => flags.All(r.Flags.Contains)).Select(r => r.Key)
                .OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToList();
            return PageOf(matching, query);
        }
        var keys = db.ApiKeys.AsNoTracking().Where(k => k.OrganizationId == organizationId);
        if (role == OrgRole.Member)
        {
            keys = keys.Where(k => k.CreatedByUserId == caller.UserId);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToLowerInvariant();
            keys = keys.Where(k => k.Name.ToLower().Contains(term) || k.Prefix.ToLower().Contains(term));
        }
        if (query.ActiveOnly)
        {
            var now = clock.GetUtcNow();
            keys = keys.Where(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now));
        }
        if (caller.Key is { } grant)
        {
            // A key lists only the keys inside its own reach.
            var outside = (int)~grant.Scopes;
            keys = keys.Where(k => ((int)k.Scopes & outside) == 0);
            if (grant.SurveyIds is not null || grant.IsAddressRestricted)
            {
                // The survey and address subset tests need the parsed lists: page in memory over the (few) candidates.
                var candidates = grant.SurveyIds is null ? keys : keys.Where(k => k.SurveyRestriction != null);
                var lineage = grant.IsAddressRestricted ? await LineageMapAsync(organizationId, ct) : null;
                var restricted = (await candidates.ToListAsync(ct))
                    .Where(k => IsWithin(k, grant) && (lineage is null || IsWithinAddresses(lineage.ListsOf(k.Id), grant)))
                    .OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToList();
                return PageOf(restricted, query);
            }
        }
        if (query.ByCursor)
        {
            // From the index, after the position: the same cost however deep (the list's order, newest first, ties by id).
            if (query.After is { } position)
            {
                var (at, id) = (position.At, position.Id ?? "");
                keys = keys.Where(k => k.CreatedAt <= at).Where(k => k.CreatedAt < at || (k.CreatedAt == at && string.Compare(k.Id, id) > 0));
            }
            var slice = await keys.OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id).Take(query.PageSize + 1).ToListAsync(ct);
            return new Page<ApiKey>(slice, 1, query.PageSize, -1);
        }
        var total = await keys.CountAsync(ct);
        var items = await keys.OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(ct);
        return new Page<ApiKey>(items, query.Page, query.PageSize, total);
    }

    /// <summary>A page of a list already in memory and in order (newest first, ties by id, ordinal): by number, or by cursor (one extra item, no total).</summary>
    private static Page<ApiKey> PageOf(List<ApiKey> ordered, ApiKeyQuery query)
    {
        if (!query.ByCursor) return new Page<ApiKey>(ordered.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList(), query.Page, query.PageSize, ordered.Count);
        var after = query.After;
        var rest = after is null ? ordered
            : ordered.Where(k => k.CreatedAt < after.At || (k.CreatedAt == after.At && string.CompareOrdinal(k.Id, after.Id ?? "") > 0));
        return new Page<ApiKey>(rest.Take(query.PageSize + 1).ToList(), 1, query.PageSize, -1);
    }

    public async Task<ServiceResult<ApiKey>> GetAsync(string organizationId, Caller caller, string keyId, CancellationToken ct = default)
    {
        return await FindManageableAsync(organizationId, caller, keyId, ct);
    }

    /// <summary>How many working keys descend from a key: what stops with it if it is revoked or deleted.</summary>
    public async Task<ServiceResult<int>> CountDescendantsAsync(string organizationId, Caller caller, string keyId, CancellationToken ct = default)
    {
        var found = await FindManageableAsync(organizationId, caller, keyId, ct);
        if (!found.Succeeded) return found.Error;
        return await KeyLineage.CountWorkingDescendantsAsync(db, organizationId, keyId, clock.GetUtcNow(), ct);
    }

    /// <summary>Revokes a key for good, and every key descended from it, from the next request on.</summary>
    public async Task<ServiceResult<ApiKey>> RevokeAsync(string organizationId, Caller caller, string keyId, CancellationToken ct = default)
    {
        var found = await FindManageableAsync(organizationId, caller, keyId, ct, track: true);
        if (!found.Succeeded) return found.Error;
        var key = found.Value;
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var newlyRevoked = !key.IsRevoked;
        if (newlyRevoked)
        {
            key.RevokedAt = now;
            db.AddAuditEvent(organizationId, caller, AuditEventTypes.ApiKeyRevoked, key.Id, now, Describe(key));
            if (await SaveUnlessGoneAsync(key.Id, ct) is { } gone) return gone;
        }
        // Also when it was revoked already: revoking again changes nothing of the key, but makes sure of its tree.
        var descendants = await KeyLineage.RevokeDescendantsAsync(db, organizationId, [key.Id], caller, now, KeyLineage.ReasonAncestorRevoked, ct);
        if (newlyRevoked) await notices.StoppedAsync(key, caller, "revoked", descendants, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await cacheSync.KeysChangedAsync();
        return key;
    }

    /// <summary>Deletes a key and revokes every key descended from it, from the next request on.</summary>
    public async Task<ServiceResult<bool>> DeleteAsync(string organizationId, Caller caller, string keyId, CancellationToken ct = default)
    {
        var found = await FindManageableAsync(organizationId, caller, keyId, ct, track: true);
        if (!found.Succeeded) return found.Error;
        var key = found.Value;
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.ApiKeys.Remove(key);
        db.DeletedApiKeys.Add(new DeletedApiKey { SecretHash = key.SecretHash, KeyId = key.Id, DeletedAt = now });
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.ApiKeyDeleted, key.Id, now, Describe(key));
        if (await SaveUnlessGoneAsync(key.Id, ct) is { } gone) return gone;
        var descendants = await KeyLineage.RevokeDescendantsAsync(db, organizationId, [key.Id], caller, now, KeyLineage.ReasonAncestorDeleted, ct);
        await notices.StoppedAsync(key, caller, "deleted", descendants, ct);
        await db.SaveChangesAsync(ct);
        await db.ApiKeyUsage.Where(u => u.ApiKeyId == key.Id).ExecuteDeleteAsync(ct);
        await db.ApiKeyFailures.Where(f => f.ApiKeyId == key.Id).ExecuteDeleteAsync(ct);
        await db.ApiKeyAddresses.Where(a => a.ApiKeyId == key.Id).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        await cacheSync.KeysChangedAsync();
        return true;
    }

    /// <summary>
    /// Saves a change to a key that was read a moment ago. If another request deleted the key in between, nothing
    /// is saved (one transaction) and the caller hears that the key is gone, as if it had come second; if another
    /// request revoked or rolled it in between, the caller hears that and may try again.
    /// </summary>
    private async Task<ServiceError?> SaveUnlessGoneAsync(string keyId, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException ex)
        {
            db.ChangeTracker.Clear();
            if (!await db.ApiKeys.AnyAsync(k => k.Id == keyId, ct))
            {
                return ServiceError.NotFound("No API key with that id exists in this organization (it was just deleted).");
            }
            if (ex is DbUpdateConcurrencyException)
            {
                return new ServiceError(ErrorKind.Conflict, "This key was revoked or rolled by another request at the same moment; reload it and try again.");
            }
            throw;
        }
    }

    private async Task ValidateSurveysAsync(SurveyViewer viewer, IReadOnlyList<string> surveyIds, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (surveyIds.Count == 0)
        {
            errors["survey_ids"] = ["Choose at least one survey, or leave survey_ids out for every survey."];
            return;
        }
        if (surveyIds.Count > 500)
        {
            errors["survey_ids"] = ["A key can be restricted to at most 500 surveys."];
            return;
        }
        var distinct = surveyIds.Distinct(StringComparer.Ordinal).ToList();
        var visible = await surveys.Visible(viewer with { Restriction = null })
            .Where(s => distinct.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        var missing = distinct.Except(visible).ToList();
        if (missing.Count > 0)
        {
            errors["survey_ids"] = [$"Survey(s) not found: {string.Join(", ", missing.Take(5).Select(Printable))}."];
        }
    }
}
