using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Audit;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Where a key may be used from: its own allowed addresses, which never reach further than the key that made it (nor
/// than the calling key that sets them), and learn mode's record of where it was used.
/// </summary>
public sealed partial class ApiKeyService
{
    /// <summary>
    /// Replaces a key's allowed addresses (empty: no list of its own — its parent's and the organization's still
    /// apply). Whoever may manage the key may change them; the change bites on the next request on every instance.
    /// </summary>
    public async Task<ServiceResult<ApiKey>> SetAllowedAddressesAsync(string organizationId, Caller caller, string keyId, IReadOnlyList<string> entries,
        CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var list = ParseAddresses(entries, errors);
        if (list is null) return Invalid(errors);
        var found = await FindManageableAsync(organizationId, caller, keyId, ct, track: true);
        if (!found.Succeeded) return found.Error;
        var key = found.Value;
        if (key.ReplacedByKeyId is { } replacement)
        {
            // The replacement carries the list now (and the children moved to it): narrowing this one would protect nothing.
            return new ServiceError(ErrorKind.Conflict, $"This key was rolled; change the addresses of its replacement ({replacement}), which the keys it made now hang from.");
        }
        if (key.IsRevoked)
        {
            return new ServiceError(ErrorKind.Conflict, "This key is revoked; its addresses no longer matter.");
        }
        var orgList = AddressList.FromStored(await db.Organizations.Where(o => o.Id == organizationId).Select(o => o.AllowedIps).FirstOrDefaultAsync(ct));
        if (key.ParentKeyId is { } parentId && !list.IsEmpty && !(await LineageListsAsync(parentId, ct)).All(list.IsWithin))
        {
            errors["allowed_ips"] = ["This key was made by another key and may not reach further than it: every entry must lie inside that key's allowed addresses."];
        }
        CheckAgainstCaller(list, caller.Key, emptyInherits: false, errors);
        CheckAgainstOrganization(list, orgList, errors);
        if (errors.Count > 0) return Invalid(errors);

        var before = key.AllowedAddresses;
        if (before.Format() == list.Format()) return key;
        key.AllowedIps = list.Format();
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.ApiKeyAddressesChanged, key.Id, clock.GetUtcNow(),
            new { name = key.Name, before = before.ToStrings(), after = list.ToStrings() });
        if (await SaveUnlessGoneAsync(key.Id, ct) is { } gone) return gone;
        await cacheSync.KeysChangedAsync();
        return key;
    }

    /// <summary>Learn mode: where the key was used from in the last 30 days, most recent first.</summary>
    public async Task<ServiceResult<IReadOnlyList<ApiKeyAddress>>> RecentAddressesAsync(string organizationId, Caller caller, string keyId, CancellationToken ct = default)
    {
        var found = await FindManageableAsync(organizationId, caller, keyId, ct);
        if (!found.Succeeded) return found.Error;
        return await RecentAddressesOfAsync(keyId, ct);
    }

    private async Task<List<ApiKeyAddress>> RecentAddressesOfAsync(string keyId, CancellationToken ct)
    {
        var since = clock.GetUtcNow().AddDays(-UsageRecorder.AddressDays);
        var seen = await db.ApiKeyAddresses.AsNoTracking().Where(a => a.ApiKeyId == keyId && a.LastSeenAt >= since).ToListAsync(ct);
        return seen.OrderByDescending(a => a.LastSeenAt).ThenBy(a => a.Address, StringComparer.Ordinal).Take(UsageRecorder.AddressesKeptPerKey).ToList();
    }

    /// <summary>An <c>allowed_ips</c> value: null when it is malformed (the reason in <paramref name="errors"/>).</summary>
    internal static AddressList? ParseAddresses(IEnumerable<string?> entries, Dictionary<string, string[]> errors)
    {
        if (AddressList.TryParse(entries, out var list, out var error)) return list;
        errors["allowed_ips"] = [error!];
        return null;
    }

    /// <summary>
    /// A key that is itself restricted by address may set only lists inside its own (and its ancestors'); for a new
    /// child, an empty list means "the calling key's", which is inside by definition.
    /// </summary>
    private static void CheckAgainstCaller(AddressList list, KeyGrant? grant, bool emptyInherits, Dictionary<string, string[]> errors)
    {
        if (errors.ContainsKey("allowed_ips") || grant is not { IsAddressRestricted: true }) return;
        if (list.IsEmpty && emptyInherits) return;
        if (list.IsEmpty || !grant.AddressLists!.All(list.IsWithin))
        {
            errors["allowed_ips"] = ["A key restricted by address cannot give a key more reach than itself: every entry must lie inside the calling key's allowed addresses."];
        }
    }

    private static void CheckAgainstOrganization(AddressList list, AddressList orgList, Dictionary<string, string[]> errors)
    {
        if (errors.ContainsKey("allowed_ips") || list.IsEmpty || list.IsWithin(orgList)) return;
        errors["allowed_ips"] = ["Every entry must lie inside the organization's allowed addresses (Settings → API key policy): a request from outside them is refused anyway."];
    }

    /// <summary>The address lists of a key and its ancestors, nearest first (keys without a list of their own add none).</summary>
    private async Task<List<AddressList>> LineageListsAsync(string keyId, CancellationToken ct)
    {
        var lists = new List<AddressList>();
        string? id = keyId;
        for (var depth = 0; id is not null; depth++)
        {
            if (depth > KeyLineage.MaxWalk)
            {
                lists.Add(AddressList.Nothing); // fail closed, as the request check does
                break;
            }
            var row = await db.ApiKeys.AsNoTracking().Where(k => k.Id == id).Select(k => new { k.AllowedIps, k.ParentKeyId }).FirstOrDefaultAsync(ct);
            if (row is null) break;
            var list = AddressList.FromStored(row.AllowedIps);
            if (!list.IsEmpty) lists.Add(list);
            id = row.ParentKeyId;
        }
        return lists;
    }

    /// <summary>
    /// Whether a key reaches no further, by address, than a restricted calling key: for each of the caller's lists,
    /// one of the key's lineage lists lies inside it (a child that inherits the caller's list does, through the caller).
    /// </summary>
    private static bool IsWithinAddresses(IReadOnlyList<AddressList> keyLineage, KeyGrant grant) =>
        !grant.IsAddressRestricted || grant.AddressLists!.All(g => keyLineage.Any(l => l.IsWithin(g) && !l.IsEmpty));

    private async Task<LineageMap> LineageMapAsync(string organizationId, CancellationToken ct) =>
        new(await db.ApiKeys.AsNoTracking().Where(k => k.OrganizationId == organizationId)
            .Select(k => new { k.Id, k.ParentKeyId, k.AllowedIps }).ToDictionaryAsync(k => k.Id, k => (k.ParentKeyId, k.AllowedIps), StringComparer.Ordinal, ct));

    private static ServiceError Invalid(Dictionary<string, string[]> errors) =>
        new(ErrorKind.Validation, string.Join(" ", errors.Values.SelectMany(v => v)), errors);
}

/// <summary>Every key of an organization with its parent and own list, to work out lineages in memory.</summary>
internal sealed class LineageMap(Dictionary<string, (string? ParentKeyId, string? AllowedIps)> keys)
{
    public List<AddressList> ListsOf(string keyId)
    {
        var lists = new List<AddressList>();
        string? id = keyId;
        for (var depth = 0; id is not null && keys.TryGetValue(id, out var row); depth++)
        {
            if (depth > KeyLineage.MaxWalk)
            {
                lists.Add(AddressList.Nothing); // fail closed, as the request check does
                break;
            }
            var list = AddressList.FromStored(row.AllowedIps);
            if (!list.IsEmpty) lists.Add(list);
            id = row.ParentKeyId;
        }
        return lists;
    }
}
