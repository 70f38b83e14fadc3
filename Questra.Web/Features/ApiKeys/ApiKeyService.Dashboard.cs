using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Organizations;

using static Questra.Web.Features.ApiKeys.ApiKeyInputRules;

namespace Questra.Web.Features.ApiKeys;

/// <summary>What only the dashboard asks: renaming and the lost-secret marker (its screen reads are in ApiKeyService.Details).</summary>
public sealed partial class ApiKeyService
{
    /// <summary>The owner pressed Done on the secret's one showing: the key no longer says it may not have been saved.</summary>
    public async Task<ServiceResult<bool>> ConfirmSecretSavedAsync(string organizationId, Caller caller, string keyId, CancellationToken ct = default)
    {
        if (await db.RoleOfAsync(organizationId, caller.UserId, ct) is null) return ServiceError.NotAMember;
        var changed = await db.ApiKeys.Where(k => k.Id == keyId && k.OrganizationId == organizationId && k.CreatedByUserId == caller.UserId && k.SecretUnconfirmed)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.SecretUnconfirmed, false), ct);
        return changed > 0;
    }

    /// <summary>Renames a key (anyone who may revoke it may rename it); the name follows the same rules as at creation.</summary>
    public async Task<ServiceResult<ApiKey>> RenameAsync(string organizationId, Caller caller, string keyId, string? newName, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (ValidateName(newName, errors) is not { } name)
        {
            return Invalid(errors);
        }
        var found = await FindManageableAsync(organizationId, caller, keyId, ct, track: true);
        if (!found.Succeeded) return found.Error;
        var key = found.Value;
        if (key.Name == name) return key;
        var before = key.Name;
        key.Name = name;
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.ApiKeyRenamed, key.Id, clock.GetUtcNow(), new { from = before, to = name });
        if (await SaveUnlessGoneAsync(key.Id, ct) is { } gone) return gone;
        return key;
    }
}
