namespace Questra.Web.Features.Common;

/// <summary>
/// What the calling key itself was granted — scopes, surveys, lifetime, the address lists of its lineage (its own and
/// its ancestors'; empty: none) — so that no key it makes or manages exceeds it.
/// </summary>
public sealed record KeyGrant(string KeyId, ApiScopes Scopes, IReadOnlyList<string>? SurveyIds, DateTimeOffset? ExpiresAt,
    IReadOnlyList<Questra.Web.Features.ApiKeys.AddressList>? AddressLists = null)
{
    public bool IsAddressRestricted => AddressLists is { Count: > 0 };
}
