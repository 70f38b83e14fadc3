namespace Questra.Web.Features.ApiKeys;

/// <summary>A stored API key. The secret itself is never stored: only its SHA-256.</summary>
public sealed class ApiKey
{
    public const string IdPrefix = "ak_";

    public required string Id { get; init; }
    public required string OrganizationId { get; init; }
    public required string CreatedByUserId { get; init; }
    public required string Name { get; set; }

    /// <summary>The first characters of the secret, safe to show (e.g. <c>sk_live_Ab12</c>).</summary>
    public required string Prefix { get; init; }

    public required byte[] SecretHash { get; init; }
    public ApiScopes Scopes { get; init; }

    /// <summary>Space-separated survey ids the key is restricted to; null means every survey.</summary>
    public string? SurveyRestriction { get; init; }

    /// <summary>
    /// The addresses the key may be used from (<see cref="AddressList"/>'s stored form); null: from anywhere its parent
    /// key and the organization's policy allow.
    /// </summary>
    public string? AllowedIps { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>
    /// The key that made this one through the API; null for keys made in the dashboard. No foreign key: a deleted
    /// parent's id stays, for the record. Rolling the parent moves its children to the replacement.
    /// </summary>
    public string? ParentKeyId { get; set; }

    /// <summary>
    /// True from the moment the dashboard shows a new key's secret until its owner presses Done: if the page was
    /// lost in between (a dropped connection, a closed tab), the list says the secret may not have been saved.
    /// </summary>
    public bool SecretUnconfirmed { get; set; }

    /// <summary>Set on a key that was rolled: the id of its replacement.</summary>
    public string? ReplacedByKeyId { get; set; }

    public IReadOnlyList<string>? SurveyIds => SurveyIdList.Parse(SurveyRestriction);

    public AddressList AllowedAddresses => AddressList.FromStored(AllowedIps);

    public bool IsRevoked => RevokedAt is not null;
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } e && e <= now;
    public bool IsRolled => ReplacedByKeyId is not null;

    public ApiKeyStatus StatusAt(DateTimeOffset now) =>
        IsRevoked ? ApiKeyStatus.Revoked : IsExpiredAt(now) ? ApiKeyStatus.Expired : ApiKeyStatus.Active;

    /// <summary>Rolled, and still working through its grace period: the list shows it as "Rolled → replacement".</summary>
    public bool IsRolledAndWorkingAt(DateTimeOffset now) => IsRolled && StatusAt(now) == ApiKeyStatus.Active;

    /// <summary>
    /// Whether the dashboard offers Roll to <paramref name="userId"/>: only the owner's own working keys that were not
    /// rolled already (<see cref="ApiKeyService.RollAsync"/> enforces the same, with a reason for each refusal).
    /// </summary>
    public bool RollableBy(string userId, DateTimeOffset now) => CreatedByUserId == userId && StatusAt(now) == ApiKeyStatus.Active && !IsRolled;

    /// <summary>A working key whose one-time secret the dashboard showed without its owner pressing Done.</summary>
    public bool SecretMayBeLostAt(DateTimeOffset now) => SecretUnconfirmed && StatusAt(now) == ApiKeyStatus.Active && !IsRolled;

    /// <summary>Still working, but not for more than <see cref="SoonWindow"/>: the dashboard warns about it.</summary>
    public bool ExpiresSoonAt(DateTimeOffset now) =>
        StatusAt(now) == ApiKeyStatus.Active && ExpiresAt is { } e && e - now <= SoonWindow;

    public static readonly TimeSpan SoonWindow = TimeSpan.FromDays(7);
}

