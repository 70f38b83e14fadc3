using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Organizations;

using static Questra.Web.Features.ApiKeys.ApiKeyInputRules;

namespace Questra.Web.Features.ApiKeys;

/// <summary>Who reaches which key (rule 7, and rule 8 for a calling key): every action on an existing key starts here.</summary>
public sealed partial class ApiKeyService
{
    /// <summary>
    /// Who reaches which key: admins and owners every key of the org, members only their own (403 otherwise); a
    /// calling key only keys inside its own reach — its scopes, its surveys — and the rest answer 404.
    /// </summary>
    private async Task<ServiceResult<ApiKey>> FindManageableAsync(string organizationId, Caller caller, string keyId, CancellationToken ct, bool track = false) =>
        await FindManageableAsync(organizationId, caller, keyId, await db.RoleOfAsync(organizationId, caller.UserId, ct), ct, track);

    /// <summary>As above, with the caller's role in the organization already read (null: not a member).</summary>
    private async Task<ServiceResult<ApiKey>> FindManageableAsync(string organizationId, Caller caller, string keyId, OrgRole? role, CancellationToken ct, bool track = false)
    {
        var keys = track ? db.ApiKeys : db.ApiKeys.AsNoTracking();
        if (role is null)
        {
            return ServiceError.NotAMember;
        }
        var key = await keys.FirstOrDefaultAsync(k => k.Id == keyId && k.OrganizationId == organizationId, ct);
        if (key is null || (caller.Key is { } grant && (!IsWithin(key, grant)
            || (grant.IsAddressRestricted && !IsWithinAddresses(await LineageListsAsync(key.Id, ct), grant)))))
        {
            return ServiceError.NotFound("No API key with that id exists in this organization.");
        }
        if (role == OrgRole.Member && key.CreatedByUserId != caller.UserId)
        {
            return ServiceError.Forbidden("Members can see and manage only their own API keys; ask an owner or admin.");
        }
        return key;
    }
}
