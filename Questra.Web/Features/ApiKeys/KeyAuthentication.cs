using System.Net;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// A key that authenticated, with its owner's role as of this request, its own expiry (null: never) and the rules
/// its organization's policy and its lineage add (null: none).
/// </summary>
public sealed record AuthenticatedKey(
    string KeyId, string OrganizationId, string OwnerUserId, OrgRole OwnerRole, ApiScopes Scopes, IReadOnlyList<string>? SurveyIds,
    DateTimeOffset? ExpiresAt, KeyRules? Rules = null, DateTimeOffset? RolledAt = null)
{
    /// <summary><c>Questra-Key-Expires</c>: the key's expiry in RFC 3339 UTC; null for a key that never expires. Made once per cached key.</summary>
    public string? ExpiresHeader { get; } = ExpiresAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>During a roll's grace period: <c>Deprecation</c> (RFC 9745, when it was rolled) and <c>Sunset</c> (RFC 8594, when it stops).</summary>
    public (string Deprecation, string Sunset, string Link)? RollHeaders { get; } = RolledAt is { } rolled && ExpiresAt is { } stops
        ? ("@" + rolled.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), stops.UtcDateTime.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            $"</settings/api-keys/{Uri.EscapeDataString(KeyId)}>; rel=\"deprecation\"; type=\"text/html\"")
        : null;

    /// <summary>Whether a request from <paramref name="address"/> may use the key: its own list, every ancestor's and the organization's all allow it.</summary>
    public bool AllowsAddress(IPAddress? address) => Rules is null || Rules.Allows(address);

    /// <summary>Why the organization's policy stops the key now; null while it may be used.</summary>
    public string? BlockedReasonAt(DateTimeOffset now) => Rules?.BlockedAt is { } at && at <= now ? Rules.BlockedReason : null;
}

/// <summary>
/// What a key's check adds beyond the key itself, worked out once per cache entry: the address lists a request must
/// satisfy — the key's own and each ancestor's (<see cref="LineageLists"/>: a child never reaches further than the
/// key that made it) and the organization's, every one — and when the organization's lifetime rule blocks the key.
/// </summary>
public sealed record KeyRules(IReadOnlyList<AddressList> LineageLists, AddressList OrgList, DateTimeOffset? BlockedAt, string? BlockedReason)
{
    public bool Allows(IPAddress? address)
    {
        if (!OrgList.Allows(address)) return false;
        for (var i = 0; i < LineageLists.Count; i++) // by index: no enumerator on the hot path
        {
            if (!LineageLists[i].Allows(address)) return false;
        }
        return true;
    }
}

/// <summary>A key that authenticated, or the reason (for the 401's detail) why the presented one did not.</summary>
/// <see cref="Outcome"/>: how it ended, as the metrics label it (<see cref="Telemetry.KeyCheckOutcomes"/>).
public sealed record KeyAuthentication(AuthenticatedKey? Key, string? Message, string Outcome, AuthenticatedKey? BlockedKey = null)
{
    public static KeyAuthentication Success(AuthenticatedKey key) => new(key, null, Telemetry.KeyCheckOutcomes.Ok);
    public static KeyAuthentication Fail(string outcome, string message) => new(null, message, outcome);

    /// <summary>A key the lifetime rule stops: refused, with the reason — which the handler tells only a client at an allowed address.</summary>
    public static KeyAuthentication Blocked(AuthenticatedKey key, string reason) => new(null, reason, Telemetry.KeyCheckOutcomes.Blocked, key);

    public const string BlockedWithoutDetail = "This API key is blocked by the organization's policy.";
}
