using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Common;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;

using static Questra.Web.Features.ApiKeys.ApiKeyInputRules;

namespace Questra.Web.Features.ApiKeys;

/// <summary>What a caller asks for when creating a key. Null scopes/surveys from a key mean "the same as the calling key".</summary>
public sealed record ApiKeyInput(string? Name, DateTimeOffset? ExpiresAt, IReadOnlyList<string>? Scopes, IReadOnlyList<string>? SurveyIds);

/// <summary>A key together with its secret: the one and only time the secret exists outside the caller's hands.</summary>
public sealed record CreatedApiKey(ApiKey Key, string Secret)
{
    // Records print their members; this one must never print its secret.
    public override string ToString() => $"CreatedApiKey {{ Id = {Key.Id}, Prefix = {Key.Prefix} }}";
}

public sealed record ApiKeyQuery(string? Search = null, int Page = 1, int PageSize = 20);

/// <summary>
/// How to roll a key: the old key's grace period, and — in the dashboard only — a new expiry for the replacement
/// (<see cref="NewExpiry"/> null keeps the old key's; a <see cref="ExpiryChange"/> with a null date means Never).
/// </summary>
public sealed record RollOptions(int GraceHours, ExpiryChange? NewExpiry = null);

public sealed record ExpiryChange(DateTimeOffset? ExpiresAt);

/// <summary>
/// Every rule about API keys lives here (creation eligibility, expiry, revoke/delete/roll, scopes and survey
/// restriction, who sees which key, and lineage: no key does more, reaches further or lives longer than what made
/// it); the dashboard and the API both call it.
/// Checking a presented secret is <see cref="ApiKeyAuthenticator"/>'s job. Secrets are generated here, hashed here, and handed back exactly once, by <see cref="CreateAsync"/> and
/// <see cref="RollAsync"/>. Nothing in this class logs or stores a secret.
/// </summary>
public sealed class ApiKeyService(QuestraDbContext db, SurveyAccess surveys, TimeProvider clock, ApiKeyCacheSync cacheSync, KeyNotices notices)
{
    public const int NameMaxLength = 100;
    public const int MaxGraceHours = 168;
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3660);

    /// <summary>Whether the user may create keys; when not, every reason, and the owners and admins to ask where one of them must act.</summary>
    public async Task<CreationEligibility> CheckCreationAsync(string organizationId, string userId, CancellationToken ct = default)
    {
        var (eligibility, role) = await EligibilityAsync(organizationId, userId, ct);
        if (role is null || !eligibility.Blockers.Any(b => b.AskAdmins)) return eligibility;
        var admins = await db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && (m.Role == OrgRole.Owner || m.Role == OrgRole.Admin) && m.UserId != userId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Email, m.Role })
            .OrderBy(x => x.Role == OrgRole.Owner ? 0 : 1).ThenBy(x => x.Email).Take(5).ToListAsync(ct);
        return eligibility with { AskWhom = admins.Select(a => $"{a.Email} ({a.Role.ToString().ToLowerInvariant()})").ToList() };
    }

    // Rule 1 and the user's role, read together so a create does not ask for the role twice.
    private async Task<(CreationEligibility Eligibility, OrgRole? Role)> EligibilityAsync(string organizationId, string userId, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.EmailConfirmed, u.TwoFactorEnabled }).FirstOrDefaultAsync(ct);
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, ct);
        var role = await db.RoleOfAsync(organizationId, userId, ct);
        if (user is null || org is null)
        {
            return (CreationEligibility.Evaluate(false, false, Plan.Free, ApiKeyCreationPolicy.Disabled, null), null);
        }
        return (CreationEligibility.Evaluate(user.EmailConfirmed, user.TwoFactorEnabled, org.Plan, org.ApiKeyCreation, role), role);
    }

    public async Task<ServiceResult<CreatedApiKey>> CreateAsync(string organizationId, Caller caller, ApiKeyInput input, CancellationToken ct = default)
    {
        var (eligibility, role) = await EligibilityAsync(organizationId, caller.UserId, ct);
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
        if (input.SurveyIds is not null)
        {
            await ValidateSurveysAsync(new SurveyViewer(organizationId, caller.UserId, role!.Value, caller.Key?.SurveyIds), input.SurveyIds, errors, ct);
        }
        if (errors.Count > 0)
        {
            return new ServiceError(ErrorKind.Validation, string.Join(" ", errors.Values.SelectMany(v => v)), errors);
        }

        var created = NewKey(organizationId, caller.UserId, name!, scopes, surveyIds, now, expiresAt, caller.Key?.KeyId);
        created.Key.SecretUnconfirmed = caller.Key is null; // the dashboard shows it in a dialog that may be lost
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (caller.Key is { } parent)
        {
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

    public async Task<ServiceResult<Page<ApiKey>>> ListAsync(string organizationId, Caller caller, ApiKeyQuery query, CancellationToken ct = default)
    {
        var role = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        if (role is null)
        {
            return ServiceError.NotAMember;
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
        if (caller.Key is { } grant)
        {
            // A key lists only the keys inside its own reach.
            var outside = (int)~grant.Scopes;
            keys = keys.Where(k => ((int)k.Scopes & outside) == 0);
            if (grant.SurveyIds is not null)
            {
                // The survey subset test needs the parsed lists: page in memory over the (few) restricted keys.
                var restricted = (await keys.Where(k => k.SurveyRestriction != null).OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id)
                    .ToListAsync(ct)).Where(k => IsWithin(k, grant)).ToList();
                return new Page<ApiKey>(restricted.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList(),
                    query.Page, query.PageSize, restricted.Count);
            }
        }
        var total = await keys.CountAsync(ct);
        var items = await keys.OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(ct);
        return new Page<ApiKey>(items, query.Page, query.PageSize, total);
    }

    /// <summary>The owner pressed Done on the secret's one showing: the key no longer says it may not have been saved.</summary>
    public async Task<ServiceResult<bool>> ConfirmSecretSavedAsync(string organizationId, Caller caller, string keyId, CancellationToken ct = default)
    {
        var changed = await db.ApiKeys.Where(k => k.Id == keyId && k.OrganizationId == organizationId && k.CreatedByUserId == caller.UserId && k.SecretUnconfirmed)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.SecretUnconfirmed, false), ct);
        return changed > 0;
    }

    /// <summary>The display prefixes of keys of the organization (a rolled key's row names its replacement by prefix).</summary>
    public async Task<Dictionary<string, string>> PrefixesAsync(string organizationId, IReadOnlyCollection<string> keyIds, CancellationToken ct = default) =>
        keyIds.Count == 0 ? [] : await db.ApiKeys.AsNoTracking().Where(k => k.OrganizationId == organizationId && keyIds.Contains(k.Id))
            .ToDictionaryAsync(k => k.Id, k => k.Prefix, ct);

    public async Task<ServiceResult<ApiKey>> GetAsync(string organizationId, Caller caller, string keyId, CancellationToken ct = default)
    {
        return await FindManageableAsync(organizationId, caller, keyId, ct);
    }

    /// <summary>How many working keys descend from a key: what stops with it if it is revoked or deleted.</summary>
    public async Task<ServiceResult<int>> CountDescendantsAsync(string organizationId, Caller caller, string keyId, CancellationToken ct = default)
    {
        var found = await FindManageableAsync(organizationId, caller, keyId, ct);
        if (!found.Succeeded) return found.Error!;
        return await KeyLineage.CountWorkingDescendantsAsync(db, organizationId, keyId, clock.GetUtcNow(), ct);
    }

    /// <summary>Revokes a key for good, and every key descended from it, from the next request on.</summary>
    public async Task<ServiceResult<ApiKey>> RevokeAsync(string organizationId, Caller caller, string keyId, CancellationToken ct = default)
    {
        var found = await FindManageableAsync(organizationId, caller, keyId, ct, track: true);
        if (!found.Succeeded) return found.Error!;
        var key = found.Value!;
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

    /// <summary>Renames a key (anyone who may revoke it may rename it); the name follows the same rules as at creation.</summary>
    public async Task<ServiceResult<ApiKey>> RenameAsync(string organizationId, Caller caller, string keyId, string? newName, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (ValidateName(newName, errors) is not { } name)
        {
            return new ServiceError(ErrorKind.Validation, string.Join(" ", errors.Values.SelectMany(v => v)), errors);
        }
        var found = await FindManageableAsync(organizationId, caller, keyId, ct, track: true);
        if (!found.Succeeded) return found.Error!;
        var key = found.Value!;
        if (key.Name == name) return key;
        var before = key.Name;
        key.Name = name;
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.ApiKeyRenamed, key.Id, clock.GetUtcNow(), new { from = before, to = name });
        if (await SaveUnlessGoneAsync(key.Id, ct) is { } gone) return gone;
        return key;
    }

    /// <summary>Deletes a key and revokes every key descended from it, from the next request on.</summary>
    public async Task<ServiceResult<bool>> DeleteAsync(string organizationId, Caller caller, string keyId, CancellationToken ct = default)
    {
        var found = await FindManageableAsync(organizationId, caller, keyId, ct, track: true);
        if (!found.Succeeded) return found.Error!;
        var key = found.Value!;
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
        await tx.CommitAsync(ct);
        await cacheSync.KeysChangedAsync();
        return true;
    }

    /// <summary>
    /// A replacement with the same owner, name, scopes, surveys, parent and expiry, its secret shown once; the old
    /// key keeps working until the grace period ends (0 hours revokes it now) and its children move to the
    /// replacement. Only the owner may roll a key: the new secret acts as the owner. Through a key, the expiry never
    /// moves; in the dashboard the owner may pick a new one, within the parent key's.
    /// </summary>
    public async Task<ServiceResult<CreatedApiKey>> RollAsync(string organizationId, Caller caller, string keyId, RollOptions options, CancellationToken ct = default)
    {
        var found = await FindManageableAsync(organizationId, caller, keyId, ct, track: true);
        if (!found.Succeeded) return found.Error!;
        var old = found.Value!;
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
                return new ServiceError(ErrorKind.Validation, string.Join(" ", errors.Values.SelectMany(v => v)), errors);
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

        var created = NewKey(organizationId, old.CreatedByUserId, old.Name, old.Scopes, old.SurveyIds, now, expires, old.ParentKeyId);
        created.Key.SecretUnconfirmed = caller.Key is null;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
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
            new { replaced_by = created.Key.Id, grace_period_hours = options.GraceHours });
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

    /// <summary>
    /// Who reaches which key: admins and owners every key of the org, members only their own (403 otherwise); a
    /// calling key only keys inside its own reach — its scopes, its surveys — and the rest answer 404.
    /// </summary>
    private async Task<ServiceResult<ApiKey>> FindManageableAsync(string organizationId, Caller caller, string keyId, CancellationToken ct, bool track = false)
    {
        var role = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        var keys = track ? db.ApiKeys : db.ApiKeys.AsNoTracking();
        if (role is null)
        {
            return ServiceError.NotAMember;
        }
        var key = await keys.FirstOrDefaultAsync(k => k.Id == keyId && k.OrganizationId == organizationId, ct);
        if (key is null || (caller.Key is { } grant && !IsWithin(key, grant)))
        {
            return ServiceError.NotFound("No API key with that id exists in this organization.");
        }
        if (role == OrgRole.Member && key.CreatedByUserId != caller.UserId)
        {
            return ServiceError.Forbidden("Members can see and manage only their own API keys; ask an owner or admin.");
        }
        return key;
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
