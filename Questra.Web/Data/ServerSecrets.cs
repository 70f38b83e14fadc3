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
public sealed class ServerSecrets(IServiceScopeFactory scopes, IDataProtectionProvider protection)
{
    public const int Length = 32;

    private readonly IDataProtector protector = protection.CreateProtector("Questra.ServerSecrets.v1");
    private readonly ConcurrentDictionary<string, Task<byte[]>> loaded = new(StringComparer.Ordinal);

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

    private async Task<byte[]> LoadAsync(string name)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var fresh = protector.Protect(RandomNumberGenerator.GetBytes(Length));
        // Two instances starting at once both offer a key; the database keeps the first, and both use it.
        await db.Database.ExecuteSqlAsync($"""INSERT INTO "ServerSecrets" ("Name", "Value") VALUES ({name}, {fresh}) ON CONFLICT ("Name") DO NOTHING""");
        var stored = await db.ServerSecrets.AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).SingleAsync();
        try
        {
            return protector.Unprotect(stored);
        }
        catch (CryptographicException)
        {
            // The key ring that wrapped it is gone (restored from another deployment, or its keys revoked): nothing
            // signed with the old key can be checked any more, so a new one replaces it — in the database, for all.
            await db.Database.ExecuteSqlAsync($"""UPDATE "ServerSecrets" SET "Value" = {fresh} WHERE "Name" = {name} AND "Value" = {stored}""");
            var replaced = await db.ServerSecrets.AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).SingleAsync();
            return protector.Unprotect(replaced);
        }
    }
}
