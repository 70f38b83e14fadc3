using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Questra.Web.Data;

/// <summary>
/// Random 256-bit keys for work that needs a cheap keyed hash (an HMAC) rather than Data Protection's encryption —
/// the public form's token is checked on every submission. The first instance to need a key makes it; every other
/// instance reads the same one from the database. Stored wrapped by the Data Protection key ring (never in clear),
/// unwrapped once per instance and kept in memory.
/// </summary>
public sealed partial class ServerSecrets(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock, ILogger<ServerSecrets> logger)
{
    public const int Length = 32;

    /// <summary>How often at most an instance reads a key again to see whether another instance replaced it.</summary>
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(10);

    private readonly IDataProtector protector = protection.CreateProtector("Questra.ServerSecrets.v1");
    private readonly ConcurrentDictionary<string, Task<byte[]>> loaded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> rechecked = new(StringComparer.Ordinal);

    /// <summary>The key named <paramref name="name"/>, made on first use. A failed read (the database is down) is tried again next time.</summary>
    public async Task<byte[]> GetAsync(string name)
    {
        var load = loaded.GetOrAdd(name, LoadAsync);
        try
        {
            return await load;
        }
        catch
        {
            loaded.TryRemove(KeyValuePair.Create(name, load));
            throw;
        }
    }

    /// <summary>
    /// The key as stored now, when another instance replaced the one this instance holds (see below); null when it
    /// did not, or when it was read again less than <see cref="RecheckEvery"/> ago. For a check that failed: a
    /// token made by another instance under the new key then passes here too, within seconds, not after a restart.
    /// </summary>
    public async Task<byte[]?> ReplacedAsync(string name)
    {
        var now = clock.GetUtcNow();
        if (rechecked.TryGetValue(name, out var last) && now - last < RecheckEvery) return null;
        rechecked[name] = now;
        var held = await GetAsync(name);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var stored = await StoredAsync(db, name);
        byte[] current;
        try
        {
            if (stored is null) return null;
            current = protector.Unprotect(stored);
        }
        catch (CryptographicException)
        {
            return null; // not ours to read: keep the one held
        }
        if (CryptographicOperations.FixedTimeEquals(current, held)) return null;
        loaded[name] = Task.FromResult(current);
        return current;
    }

    private async Task<byte[]> LoadAsync(string name)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var fresh = protector.Protect(RandomNumberGenerator.GetBytes(Length));
        // Two instances starting at once both offer a key; the database keeps the first, and both use it.
        await db.Database.ExecuteSqlAsync($"""INSERT INTO "ServerSecrets" ("Name", "Value") VALUES ({name}, {fresh}) ON CONFLICT ("Name") DO NOTHING""");
        var stored = (await StoredAsync(db, name))!;
        try
        {
            return protector.Unprotect(stored);
        }
        catch (CryptographicException)
        {
            // The key ring that wrapped it is gone (restored from another deployment, or its keys revoked): nothing
            // signed with the old key can be checked any more, so a new one replaces it — in the database, for all
            // (instances holding the old one pick the new one up on their next failed check: ReplacedAsync).
            await db.Database.ExecuteSqlAsync($"""UPDATE "ServerSecrets" SET "Value" = {fresh} WHERE "Name" = {name} AND "Value" = {stored}""");
            var replaced = (await StoredAsync(db, name))!;
            Replaced(logger, name);
            return protector.Unprotect(replaced);
        }
    }

    private static Task<byte[]?> StoredAsync(QuestraDbContext db, string name) =>
        db.ServerSecrets.AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).SingleOrDefaultAsync();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shared key {Name} could not be unwrapped with this deployment's Data Protection key ring (restored from elsewhere, or its keys revoked), so a new one replaced it; public forms opened before now must be opened again to be sent.")]
    private static partial void Replaced(ILogger logger, string name);
}
