using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

/// <summary>What Settings asks for a policy: the organization's allowed addresses and lifetime rule.</summary>
public sealed record KeyPolicyInput(IReadOnlyList<string> AllowedIps, int? MaxKeyLifetimeDays, bool KeysMustExpire);

/// <summary>A key a stricter policy would affect, and how (for the preview before saving).</summary>
public sealed record PolicyImpact(ApiKey Key, string Effect);

/// <summary>
/// The organization's key policy: read by every member (and by keys with <c>api_keys:read</c>), previewed and changed
/// by owners and admins. A change bites on the next request on every instance; keys that break a new lifetime rule
/// are blocked at their limit, not revoked.
/// </summary>
public sealed partial class ApiKeyService
{
    /// <summary>The policy as the caller may see it: members (and their keys) learn the lifetime rule and whether there is an address list, not its entries.</summary>
    public async Task<ServiceResult<OrgKeyPolicy>> GetPolicyAsync(string organizationId, Caller caller, CancellationToken ct = default)
    {
        var role = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        if (role is null) return ServiceError.NotAMember;
        var policy = await PolicyOfAsync(organizationId, ct);
        return policy.SeenBy(role);
    }

    /// <summary>The working keys a policy would stop or restrict that the current one does not, with what would happen to each.</summary>
    public async Task<ServiceResult<IReadOnlyList<PolicyImpact>>> PreviewPolicyAsync(string organizationId, Caller caller, KeyPolicyInput input, CancellationToken ct = default)
    {
        var checkedInput = await CheckPolicyInputAsync(organizationId, caller, input, ct);
        if (!checkedInput.Succeeded) return checkedInput.Error;
        var policy = checkedInput.Value;
        var current = await PolicyOfAsync(organizationId, ct);
        var now = clock.GetUtcNow();
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.OrganizationId == organizationId && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now))
            .OrderBy(k => k.Name).ToListAsync(ct);
        keys.RemoveAll(k => current.Lifetime.Blocks(k, now));
        var since = now.AddDays(-UsageRecorder.AddressDays);
        var ids = keys.Select(k => k.Id).ToList();
        var seen = policy.AllowedAddresses.IsEmpty ? Array.Empty<ApiKeyAddress>().ToLookup(a => a.ApiKeyId, StringComparer.Ordinal)
            : (await db.ApiKeyAddresses.AsNoTracking().Where(a => ids.Contains(a.ApiKeyId) && a.LastSeenAt >= since).ToListAsync(ct))
                .ToLookup(a => a.ApiKeyId, StringComparer.Ordinal);
        var lineage = policy.AllowedAddresses.IsEmpty ? null : await LineageMapAsync(organizationId, ct);
        var impacts = new List<PolicyImpact>();
        foreach (var key in keys)
        {
            var effects = new List<string>();
            // Stopped by the new rule, or sooner than by the current one.
            if (policy.Lifetime.BlockedAt(key.CreatedAt, key.ExpiresAt) is { } blocked
                && (current.Lifetime.BlockedAt(key.CreatedAt, key.ExpiresAt) is not { } was || blocked < was))
            {
                effects.Add(blocked <= now ? $"stops working now (created {key.CreatedAt:yyyy-MM-dd})" : $"stops working on {blocked:yyyy-MM-dd HH:mm} UTC");
            }
            if (seen.Contains(key.Id))
            {
                // Only addresses the key may be used from today (its lineage and the current organization list allow
                // them) and the new list would refuse: what the change itself takes away.
                var lists = lineage!.ListsOf(key.Id);
                var refused = seen[key.Id]
                    .Where(a => System.Net.IPAddress.TryParse(a.Address, out var ip) && !policy.AllowedAddresses.Allows(ip)
                        && current.AllowedAddresses.Allows(ip) && lists.All(l => l.Allows(ip)))
                    .OrderByDescending(a => a.LastSeenAt).Select(a => a.Address).ToList();
                if (refused.Count > 0)
                {
                    effects.Add($"was used from {refused[0]}{(refused.Count > 1 ? $" and {refused.Count - 1} more address(es)" : "")} in the last {UsageRecorder.AddressDays} days, which the new list refuses");
                }
            }
            if (effects.Count > 0) impacts.Add(new PolicyImpact(key, string.Join("; ", effects)));
        }
        return impacts;
    }

    public async Task<ServiceResult<OrgKeyPolicy>> SetPolicyAsync(string organizationId, Caller caller, KeyPolicyInput input, CancellationToken ct = default)
    {
        var checkedInput = await CheckPolicyInputAsync(organizationId, caller, input, ct);
        if (!checkedInput.Succeeded) return checkedInput.Error;
        var policy = checkedInput.Value;
        var org = await db.Organizations.FirstAsync(o => o.Id == organizationId, ct);
        var before = OrgKeyPolicy.Of(org);
        if (before.AllowedAddresses.Format() == policy.AllowedAddresses.Format() && before.Lifetime == policy.Lifetime) return before;
        org.AllowedIps = policy.AllowedAddresses.Format();
        org.MaxKeyLifetimeDays = policy.Lifetime.MaxDays;
        org.KeysMustExpire = policy.Lifetime.MustExpire;
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.OrgKeyPolicyChanged, organizationId, clock.GetUtcNow(),
            new { before = DescribePolicy(before), after = DescribePolicy(policy) });
        await db.SaveChangesAsync(ct);
        await cacheSync.KeysChangedAsync(); // every cached key carries the old policy
        return policy;
    }

    private async Task<ServiceResult<OrgKeyPolicy>> CheckPolicyInputAsync(string organizationId, Caller caller, KeyPolicyInput input, CancellationToken ct)
    {
        var role = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        if (role is null) return ServiceError.NotAMember;
        if (role == OrgRole.Member || caller.Key is not null)
        {
            return ServiceError.Forbidden("Only owners and admins can change the organization's API key policy, in Settings.");
        }
        var errors = new Dictionary<string, string[]>();
        var list = ParseAddresses(input.AllowedIps, errors);
        if (input.MaxKeyLifetimeDays is < 1 or > KeyLifetimePolicy.MaxDaysLimit)
        {
            errors["max_key_lifetime_days"] = [$"The maximum key lifetime must be between 1 and {KeyLifetimePolicy.MaxDaysLimit} days, or none."];
        }
        if (errors.Count > 0) return Invalid(errors);
        return new OrgKeyPolicy(list!, new KeyLifetimePolicy(input.MaxKeyLifetimeDays, input.KeysMustExpire || input.MaxKeyLifetimeDays is not null));
    }

    private async Task<OrgKeyPolicy> PolicyOfAsync(string organizationId, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, ct);
        return org is null ? OrgKeyPolicy.None : OrgKeyPolicy.Of(org);
    }

    private static object DescribePolicy(OrgKeyPolicy policy) => new
    {
        allowed_ips = policy.AllowedAddresses.ToStrings(),
        max_key_lifetime_days = policy.Lifetime.MaxDays,
        keys_must_expire = policy.Lifetime.MustExpire,
    };
}
