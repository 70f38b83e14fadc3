namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// The organization's rule on how long a key may live: at most <see cref="MaxDays"/> days from its creation, and
/// (<see cref="MustExpire"/>) never "Never". Applied to new and rolled keys (refused with a reason), and to existing
/// keys at request time: a key that breaks it stops at the limit — blocked, not revoked, so lifting the rule brings
/// it back.
/// </summary>
public sealed record KeyLifetimePolicy(int? MaxDays, bool MustExpire)
{
    public static readonly KeyLifetimePolicy None = new(null, false);

    /// <summary>The choices Settings offers, in days.</summary>
    public static readonly IReadOnlyList<int> Choices = [30, 90, 180, 365];

    public const int MaxDaysLimit = 3650;

    public bool IsSet => MaxDays is not null || MustExpire;

    /// <summary>When a key made at <paramref name="createdAt"/> that expires at <paramref name="expiresAt"/> stops for breaking this rule; null when it keeps to it.</summary>
    public DateTimeOffset? BlockedAt(DateTimeOffset createdAt, DateTimeOffset? expiresAt)
    {
        if (MaxDays is { } days)
        {
            var limit = createdAt.AddDays(days);
            return expiresAt is null || expiresAt > limit ? limit : null;
        }
        return MustExpire && expiresAt is null ? createdAt : null;
    }

    public bool Blocks(ApiKey key, DateTimeOffset now) => BlockedAt(key.CreatedAt, key.ExpiresAt) is { } at && at <= now;

    /// <summary>What a blocked key's 401 says; <paramref name="ofAncestor"/> when it is the key that made it (or one above) that breaks the rule.</summary>
    public string BlockedReason(DateTimeOffset createdAt, bool ofAncestor = false)
    {
        var which = ofAncestor ? "the key that made this one (or one above it)" : "this one";
        return MaxDays is { } days
            ? $"This API key is blocked by the organization's policy: keys may live at most {days} days, and {which} was created on {createdAt:yyyy-MM-dd}. An owner or admin can change the policy; otherwise create a new key."
            : $"This API key is blocked by the organization's policy: every key must have an expiry date, and {which} never expires. An owner or admin can change the policy; otherwise create a new key.";
    }

    /// <summary>The error for a new or rolled key's expiry, or null when it keeps to the rule.</summary>
    public string? CheckNewExpiry(DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        if (MaxDays is { } days)
        {
            var limit = now.AddDays(days);
            if (expiresAt is null || expiresAt > limit)
            {
                return $"The organization's policy lets keys live at most {days} days: choose an expiry no later than {limit:yyyy-MM-dd HH:mm} UTC.";
            }
        }
        else if (MustExpire && expiresAt is null)
        {
            return "The organization's policy requires every key to expire: choose an expiry date (Never is not allowed).";
        }
        return null;
    }

    /// <summary>The last day a key made now may be chosen to work until the end of (a picked date means its last second, UTC).</summary>
    public DateTime? LastWholeDay(DateTimeOffset now)
    {
        if (MaxDays is not { } days) return null;
        var limit = now.AddDays(days).UtcDateTime;
        return limit.Date.AddDays(1).AddSeconds(-1) <= limit ? limit.Date : limit.Date.AddDays(-1);
    }
}
