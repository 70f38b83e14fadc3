namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// How to roll a key: the old key's grace period, and — in the dashboard only — a new expiry for the replacement
/// (<see cref="NewExpiry"/> null keeps the old key's; a <see cref="ExpiryChange"/> with a null date means Never).
/// </summary>
public sealed record RollOptions(int GraceHours, ExpiryChange? NewExpiry = null);
