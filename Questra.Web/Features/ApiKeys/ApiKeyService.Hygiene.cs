using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Organizations;

using static Questra.Web.Features.ApiKeys.ApiKeyInputRules;

namespace Questra.Web.Features.ApiKeys;

/// <summary>A reason a working key deserves a look.</summary>
public enum KeyRisk { NeverUsed, Idle30Days, Idle90Days, NeverExpires, Broad, ExpiringSoon, ManyAddresses, Unrestricted }

/// <summary>A working key and what is risky about it (none: nothing).</summary>
public sealed record HygieneRow(ApiKey Key, IReadOnlySet<KeyRisk> Flags, int RecentAddresses);

/// <summary>
/// The hygiene view: every working key the caller may manage (owners and admins the organization's, members their
/// own, a calling key those inside its reach), with the reasons each is risky. The same flags filter the API's list.
/// </summary>
public sealed partial class ApiKeyService
{
    /// <summary>"Used from many addresses": more distinct addresses than this in learn mode's 30 days.</summary>
    public const int ManyAddressesThreshold = 5;

    /// <summary>The API's names for the flags (<c>filter=idle_90d,never_expires</c>), in the order the view lists them.</summary>
    public static readonly IReadOnlyList<(KeyRisk Flag, string Name, string Label)> KeyRisks =
    [
        (KeyRisk.NeverUsed, "never_used", "Never used"),
        (KeyRisk.Idle30Days, "idle_30d", "Idle 30+ days"),
        (KeyRisk.Idle90Days, "idle_90d", "Idle 90+ days"),
        (KeyRisk.NeverExpires, "never_expires", "Never expires"),
        (KeyRisk.Broad, "broad", "Full access on all surveys"),
        (KeyRisk.ExpiringSoon, "expiring_7d", "Expires within 7 days"),
        (KeyRisk.ManyAddresses, "many_addresses", $"Used from more than {ManyAddressesThreshold} addresses"),
        (KeyRisk.Unrestricted, "unrestricted", "Not restricted by address"),
    ];

    /// <summary>Flags from the API's comma-separated names; null with the unknown ones named when one is not a flag.</summary>
    public static IReadOnlyList<KeyRisk>? ParseKeyRisks(string? text, out string? error)
    {
        error = null;
        var flags = new List<KeyRisk>();
        foreach (var name in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = KeyRisks.FirstOrDefault(f => f.Name == name);
            if (match.Name is null)
            {
                error = $"Unknown filter {Printable(name)}. Filters: {string.Join(", ", KeyRisks.Select(f => f.Name))}.";
                return null;
            }
            flags.Add(match.Flag);
        }
        return flags;
    }

    public async Task<ServiceResult<IReadOnlyList<HygieneRow>>> HygieneAsync(string organizationId, Caller caller, CancellationToken ct = default)
    {
        var role = await db.RoleOfAsync(organizationId, caller.UserId, ct);
        if (role is null) return ServiceError.NotAMember;
        var now = clock.GetUtcNow();
        var policy = await PolicyOfAsync(organizationId, ct);
        var keys = db.ApiKeys.AsNoTracking().Where(k => k.OrganizationId == organizationId && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now));
        if (role == OrgRole.Member) keys = keys.Where(k => k.CreatedByUserId == caller.UserId);
        var working = (await keys.OrderBy(k => k.Name).ThenBy(k => k.Id).ToListAsync(ct)).Where(k => !policy.Lifetime.Blocks(k, now)).ToList();
        var lineage = await LineageMapAsync(organizationId, ct);
        if (caller.Key is { } grant)
        {
            working.RemoveAll(k => !IsWithin(k, grant) || !IsWithinAddresses(lineage.ListsOf(k.Id), grant));
        }
        var ids = working.Select(k => k.Id).ToList();
        var since = now.AddDays(-UsageRecorder.AddressDays);
        var addressCounts = await db.ApiKeyAddresses.AsNoTracking().Where(a => ids.Contains(a.ApiKeyId) && a.LastSeenAt >= since)
            .GroupBy(a => a.ApiKeyId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, ct);
        return working.Select(k =>
        {
            var addresses = addressCounts.GetValueOrDefault(k.Id);
            var idleSince = k.LastUsedAt ?? k.CreatedAt;
            var flags = new HashSet<KeyRisk>();
            if (k.LastUsedAt is null) flags.Add(KeyRisk.NeverUsed);
            if (idleSince <= now.AddDays(-30)) flags.Add(KeyRisk.Idle30Days);
            if (idleSince <= now.AddDays(-90)) flags.Add(KeyRisk.Idle90Days);
            if (k.ExpiresAt is null) flags.Add(KeyRisk.NeverExpires);
            if (k.Scopes == ApiScopes.FullAccess && k.SurveyRestriction is null) flags.Add(KeyRisk.Broad);
            if (k.ExpiresSoonAt(now)) flags.Add(KeyRisk.ExpiringSoon);
            if (addresses > ManyAddressesThreshold) flags.Add(KeyRisk.ManyAddresses);
            if (policy.AllowedAddresses.IsEmpty && lineage.ListsOf(k.Id).Count == 0) flags.Add(KeyRisk.Unrestricted);
            return new HygieneRow(k, flags, addresses);
        }).ToList();
    }

    /// <summary>Revokes several keys (each as <see cref="RevokeAsync"/> would, one audit event each, descendants following); the ones that could not be, with why.</summary>
    public async Task<(int Revoked, IReadOnlyList<string> Problems)> RevokeManyAsync(string organizationId, Caller caller, IReadOnlyCollection<string> keyIds,
        CancellationToken ct = default)
    {
        var revoked = 0;
        var problems = new List<string>();
        foreach (var id in keyIds.Distinct(StringComparer.Ordinal))
        {
            var result = await RevokeAsync(organizationId, caller, id, ct);
            if (result.Succeeded) revoked++;
            else problems.Add($"{id}: {result.Error.Message}");
            db.ChangeTracker.Clear();
        }
        return (revoked, problems);
    }
}
