using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Questra.Web.Features.Accounts;

/// <summary>
/// Wrong passwords for addresses that have no account, counted like an account's: after as many failures as lock an
/// account, the address answers "locked out" for as long. So the lockout page does not tell who has an account.
/// Per instance and bounded (past <see cref="MaxTracked"/> addresses the oldest counts are dropped).
/// </summary>
public sealed class UnknownAccountLockouts(IOptions<IdentityOptions> options, TimeProvider clock)
{
    public const int MaxTracked = 100_000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    private sealed record Entry(int Failures, DateTimeOffset Since, DateTimeOffset? LockedUntil);

    public bool IsLockedOut(string normalizedName) =>
        entries.TryGetValue(normalizedName, out var e) && e.LockedUntil is { } until && until > clock.GetUtcNow();

    /// <summary>Counts a failure; returns whether the address is now locked out.</summary>
    public bool Failed(string normalizedName)
    {
        var now = clock.GetUtcNow();
        var lockout = options.Value.Lockout;
        if (entries.Count >= MaxTracked) Prune(now);
        var entry = entries.AddOrUpdate(normalizedName,
            _ => new Entry(1, now, null),
            (_, e) => e.LockedUntil is { } until && until <= now ? new Entry(1, now, null) : e with { Failures = e.Failures + 1 });
        if (entry.Failures < lockout.MaxFailedAccessAttempts) return false;
        entries[normalizedName] = new Entry(0, now, now + lockout.DefaultLockoutTimeSpan);
        return true;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (name, entry) in entries.OrderBy(e => e.Value.Since).Take(MaxTracked / 10))
        {
            if (entry.LockedUntil is null || entry.LockedUntil <= now) entries.TryRemove(name, out _);
        }
    }
}
