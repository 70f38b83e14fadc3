using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Questra.Web.Data;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Data;

/// <summary>The keys every instance shares (the public form's token key): made once, stored wrapped, read alike by all.</summary>
public abstract class ServerSecretsTests(QuestraFactory factory)
{
    // What another instance on the same database has: its own memory, the same database and key ring.
    private ServerSecrets AnotherInstance(TimeProvider? clock = null) => new(factory.Services.GetRequiredService<IServiceScopeFactory>(),
        factory.Services.GetRequiredService<IDataProtectionProvider>(), clock ?? TimeProvider.System,
        factory.Services.GetRequiredService<ILogger<ServerSecrets>>());

    private Task<byte[]?> StoredAsync(string name) =>
        factory.Data.WithDb(db => db.ServerSecrets.Where(s => s.Name == name).Select(s => s.Value).SingleOrDefaultAsync());

    [Fact]
    public async Task InstancesStartingTogether_AllGetTheOneKeyStored_WhichIsNotKeptInClear()
    {
        var name = $"test-{Guid.NewGuid():N}";

        var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => AnotherInstance().GetAsync(name))));

        Assert.All(keys, k => Assert.Equal(ServerSecrets.Length, k.Length));
        Assert.All(keys, k => Assert.Equal(keys[0], k));
        Assert.NotEqual(new byte[ServerSecrets.Length], keys[0]);
        var stored = await StoredAsync(name);
        Assert.NotNull(stored);
        Assert.False(stored.AsSpan().IndexOf(keys[0]) >= 0, "the stored value holds the key in clear");
        // Read again later, by an instance that never saw it made: the same key.
        Assert.Equal(keys[0], await AnotherInstance().GetAsync(name));
        Assert.Equal(keys[0], await factory.Services.GetRequiredService<ServerSecrets>().GetAsync(name));
    }

    [Fact]
    public async Task AKeyTheKeyRingCannotUnwrap_IsReplacedForEveryone()
    {
        var name = $"test-{Guid.NewGuid():N}";
        var foreign = new byte[90];
        Random.Shared.NextBytes(foreign);
        await factory.Data.WithDb(async db =>
        {
            db.ServerSecrets.Add(new ServerSecret { Name = name, Value = foreign });
            await db.SaveChangesAsync();
        });

        var first = await AnotherInstance().GetAsync(name);
        var second = await AnotherInstance().GetAsync(name);

        Assert.Equal(ServerSecrets.Length, first.Length);
        Assert.Equal(first, second);
        Assert.NotEqual(foreign, await StoredAsync(name));
        Assert.Contains(factory.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(name, StringComparison.Ordinal) && l.Contains("replaced", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AKeyReplacedByAnotherInstance_IsPickedUpOnTheNextFailedCheck_AtMostEveryFewSeconds()
    {
        var name = $"test-{Guid.NewGuid():N}";
        var clock = new TestClock();
        var instance = AnotherInstance(clock);
        var held = await instance.GetAsync(name);
        Assert.Null(await instance.ReplacedAsync(name)); // nothing replaced it

        // Another instance replaces it (as after finding it unreadable).
        var newer = System.Security.Cryptography.RandomNumberGenerator.GetBytes(ServerSecrets.Length);
        var wrapped = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Questra.ServerSecrets.v1").Protect(newer);
        await factory.Data.WithDb(db => db.ServerSecrets.Where(s => s.Name == name).ExecuteUpdateAsync(s => s.SetProperty(v => v.Value, wrapped)));

        Assert.Null(await instance.ReplacedAsync(name)); // read again a moment ago: not again yet
        Assert.Equal(held, await instance.GetAsync(name));
        clock.Advance(ServerSecrets.RecheckEvery);
        Assert.Equal(newer, await instance.ReplacedAsync(name));
        Assert.Equal(newer, await instance.GetAsync(name));
    }
}

public sealed class ServerSecretsTestsOnSqlite(QuestraFactory factory) : ServerSecretsTests(factory), IClassFixture<QuestraFactory>;

public sealed class ServerSecretsTestsOnPostgres(PostgresFactory factory) : ServerSecretsTests(factory), IClassFixture<PostgresFactory>;
