using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Questra.Web.Data;

namespace Questra.Web.Features.Accounts;

/// <summary>
/// Identity's user manager on the app's clock: a lockout starts and ends by the same <see cref="TimeProvider"/> that
/// every other rule of the app reads (Identity's own reads the machine's clock directly).
/// </summary>
public sealed class QuestraUserManager(
    IUserStore<ApplicationUser> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<ApplicationUser> passwordHasher,
    IEnumerable<IUserValidator<ApplicationUser>> userValidators,
    IEnumerable<IPasswordValidator<ApplicationUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<ApplicationUser>> logger,
    TimeProvider clock,
    QuestraDbContext db)
    : UserManager<ApplicationUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    public override async Task<bool> IsLockedOutAsync(ApplicationUser user) =>
        await GetLockoutEnabledAsync(user) && await GetLockoutEndDateAsync(user) is { } end && end >= clock.GetUtcNow();

    /// <summary>
    /// Counts a wrong password or code in one statement, so guesses sent in parallel are each counted (a read-modify-
    /// write of the user would lose all but one to the concurrency check); the last one allowed locks the account for
    /// the configured time.
    /// </summary>
    public override async Task<IdentityResult> AccessFailedAsync(ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessFailedCount, u => u.AccessFailedCount + 1), CancellationToken);
        var lockUntil = clock.GetUtcNow() + Options.Lockout.DefaultLockoutTimeSpan;
        var locked = await db.Users.Where(u => u.Id == user.Id && u.AccessFailedCount >= Options.Lockout.MaxFailedAccessAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessFailedCount, 0).SetProperty(u => u.LockoutEnd, lockUntil), CancellationToken);
        // The tracked copy follows what is stored, without being marked changed.
        var stored = await db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => new { u.AccessFailedCount, u.LockoutEnd }).FirstAsync(CancellationToken);
        var entry = db.Entry(user);
        if (entry.State != EntityState.Detached)
        {
            entry.Property(u => u.AccessFailedCount).OriginalValue = stored.AccessFailedCount;
            entry.Property(u => u.LockoutEnd).OriginalValue = stored.LockoutEnd;
        }
        user.AccessFailedCount = stored.AccessFailedCount;
        user.LockoutEnd = stored.LockoutEnd;
        if (locked > 0) Logger.LogInformation("Account locked after too many failed attempts.");
        return IdentityResult.Success;
    }
}
