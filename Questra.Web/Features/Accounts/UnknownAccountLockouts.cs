using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Questra.Web.Features.Accounts;

/// <summary>
/// Wrong passwords for addresses that have no account, counted like an account's: as many failures as lock an
/// account, within as long as a lockout lasts, answer "locked out" until that stretch ends — so the lockout page
/// does not tell who has an account. Counted per instance in a bounded table (<see cref="FixedWindowCounters"/>).
/// </summary>
public sealed class UnknownAccountLockouts(IOptions<IdentityOptions> options, TimeProvider clock)
{
    private readonly FixedWindowCounters failures = new(clock, options.Value.Lockout.DefaultLockoutTimeSpan, pruneAbove: 10_000, capacity: 100_000);

    private int Limit => options.Value.Lockout.MaxFailedAccessAttempts;

    public bool IsLockedOut(string normalizedName) => failures.Peek(normalizedName).Count >= Limit;

    /// <summary>Counts a failure; returns whether the address is now locked out.</summary>
    public bool Failed(string normalizedName) => failures.TryAdd(normalizedName).Count >= Limit;
}
