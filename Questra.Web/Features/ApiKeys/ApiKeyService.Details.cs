using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.AuditTrail;

namespace Questra.Web.Features.ApiKeys;

/// <summary>Everything a key's page shows, read under one check of who is asking.</summary>
public sealed record ApiKeyDetails(
    ApiKey Key,
    IReadOnlyDictionary<string, string> SurveyTitles,
    IReadOnlyList<DailyEndpointCount> Usage,
    IReadOnlyList<RecentFailure> Failures,
    IReadOnlyDictionary<string, string> RelatedNames,
    IReadOnlyList<AuditEntry> Events,
    IReadOnlyList<ApiKeyAddress> RecentAddresses,
    OrgKeyPolicy Policy);

/// <summary>The key list as the dashboard shows it: a page of keys, each rolled key's replacement prefix, the policy.</summary>
public sealed record ApiKeyListing(Page<ApiKey> Keys, IReadOnlyDictionary<string, string> ReplacementPrefixes, OrgKeyPolicy Policy);

public sealed partial class ApiKeyService
{
    /// <summary>Events a key's page lists.</summary>
    public const int EventsShown = 20;

    /// <summary>
    /// A key's page in one read: the key (if this caller may see it), the titles of the surveys it is restricted to,
    /// its usage since <paramref name="usageFrom"/>, its recent failures and events, where it was used from, the
    /// names of its parent and replacement where this caller may see them, and the policy as this caller may see it.
    /// </summary>
    public async Task<ServiceResult<ApiKeyDetails>> GetDetailsAsync(string organizationId, Caller caller, string keyId, DateOnly usageFrom,
        CancellationToken ct = default)
    {
        var role = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        var found = await FindManageableAsync(organizationId, caller, keyId, role, ct);
        if (!found.Succeeded) return found.Error;
        var key = found.Value;
        var audit = new AuditLog(db);
        var titles = key.SurveyIds is { } ids ? await surveys.TitlesAsync(organizationId, ids.ToList(), ct) : [];
        var related = new Dictionary<string, string>();
        foreach (var relatedId in new[] { key.ParentKeyId, key.ReplacedByKeyId }.OfType<string>())
        {
            var other = await FindManageableAsync(organizationId, caller, relatedId, role, ct);
            if (other.Succeeded) related[relatedId] = $"{other.Value.Name} ({other.Value.Prefix}…)";
        }
        var policy = await PolicyOfAsync(organizationId, ct);
        return new ApiKeyDetails(
            key,
            titles,
            await audit.UsageAsync(key.Id, usageFrom, ct),
            await audit.FailuresAsync(key.Id, ct),
            related,
            await audit.ForKeyAsync(organizationId, key.Id, EventsShown, ct),
            await RecentAddressesOfAsync(key.Id, ct),
            policy.SeenBy(role));
    }

    /// <summary>The key list page in one read: the keys this caller may see, the prefixes of rolled keys' replacements, the policy.</summary>
    public async Task<ServiceResult<ApiKeyListing>> ListForDashboardAsync(string organizationId, Caller caller, ApiKeyQuery query, CancellationToken ct = default)
    {
        var role = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        var listed = await ListAsync(organizationId, caller, role, query, ct);
        if (!listed.Succeeded) return listed.Error;
        var replacements = listed.Value.Items.Select(k => k.ReplacedByKeyId).OfType<string>().ToList();
        var prefixes = replacements.Count == 0 ? []
            : await db.ApiKeys.AsNoTracking().Where(k => k.OrganizationId == organizationId && replacements.Contains(k.Id)).ToDictionaryAsync(k => k.Id, k => k.Prefix, ct);
        var policy = await PolicyOfAsync(organizationId, ct);
        return new ApiKeyListing(listed.Value, prefixes, policy.SeenBy(role));
    }
}
