using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Data;
using Questra.Web.Features.Mfa;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Mfa;

/// <summary>The authenticator as Identity uses it: drift window, no replays, recovery codes hashed and single-use.</summary>
public abstract class AuthenticatorTests(QuestraFactory factory)
{
    private async Task<(ApplicationUser User, byte[] Key)> EnrolledUserAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(await factory.Data.UserAsync(mfa: false));
        await users.ResetAuthenticatorKeyAsync(user!);
        return (user!, AuthenticatorCodes.DecodeKey(await users.GetAuthenticatorKeyAsync(user!))!);
    }

    private string Code(byte[] key, int stepOffset) =>
        AuthenticatorCodes.Compute(key, factory.Clock.GetUtcNow().AddSeconds(AuthenticatorCodes.StepSeconds * stepOffset));

    private async Task<bool> Verify(ApplicationUser user, string code)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var fresh = await users.FindByIdAsync(user.Id);
        return await users.VerifyTwoFactorTokenAsync(fresh!, TokenOptions.DefaultAuthenticatorProvider, code);
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(-2, false)]
    [InlineData(2, false)]
    public async Task Code_IsAcceptedWithinOneStepOfDrift_Only(int stepOffset, bool accepted)
    {
        var (user, key) = await EnrolledUserAsync();

        Assert.Equal(accepted, await Verify(user, Code(key, stepOffset)));
    }

    [Fact]
    public async Task AcceptedCode_IsRefusedTheSecondTime_AndSoIsAnOlderOne()
    {
        var (user, key) = await EnrolledUserAsync();

        Assert.True(await Verify(user, Code(key, 0)));
        Assert.False(await Verify(user, Code(key, 0)));
        Assert.False(await Verify(user, Code(key, -1)));
        Assert.True(await Verify(user, Code(key, 1)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("abcdef")]
    [InlineData("1234567")]
    public async Task MalformedCode_IsRefused(string code)
    {
        var (user, _) = await EnrolledUserAsync();

        Assert.False(await Verify(user, code));
    }

    [Fact]
    public async Task Enable_TurnsMfaOnOnlyWithARightCode_GivesTenRecoveryCodes_StoredHashed_AndAudits()
    {
        var org = await factory.Data.OrgAsync();
        var (user, key) = await EnrolledUserAsync();
        await factory.Data.AddMemberAsync(org, user.Id, OrgRole.Owner);
        await using var scope = factory.Services.CreateAsyncScope();
        var mfa = scope.ServiceProvider.GetRequiredService<MfaService>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var tracked = (await users.FindByIdAsync(user.Id))!;
        var wrong = Code(key, 0) == "000000" ? "111111" : "000000";

        Assert.Null(await mfa.EnableAsync(tracked, wrong, "10.1.1.1"));
        Assert.False(await users.GetTwoFactorEnabledAsync(tracked));
        var codes = await mfa.EnableAsync(tracked, Code(key, 0), "10.1.1.1");

        Assert.NotNull(codes);
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.True(await users.GetTwoFactorEnabledAsync(tracked));
        var stored = await factory.Data.WithDb(db => db.UserTokens.Where(t => t.UserId == user.Id).Select(t => t.Value).ToListAsync());
        var all = string.Join("|", stored);
        Assert.All(codes, c => Assert.DoesNotContain(c, all));
        Assert.Equal(10, await users.CountRecoveryCodesAsync(tracked));
        var audit = await factory.Data.WithDb(db => db.AuditEvents.SingleAsync(a => a.OrganizationId == org && a.Type == "mfa.enabled"));
        Assert.Equal("10.1.1.1", audit.Ip);
    }

    [Fact]
    public async Task RecoveryCode_WorksOnce()
    {
        var (user, key) = await EnrolledUserAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var mfa = scope.ServiceProvider.GetRequiredService<MfaService>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var tracked = (await users.FindByIdAsync(user.Id))!;
        var codes = (await mfa.EnableAsync(tracked, Code(key, 0), null))!;

        Assert.True((await users.RedeemTwoFactorRecoveryCodeAsync(tracked, codes[3])).Succeeded);
        Assert.False((await users.RedeemTwoFactorRecoveryCodeAsync(tracked, codes[3])).Succeeded);
        Assert.True((await users.RedeemTwoFactorRecoveryCodeAsync(tracked, codes[4].ToLowerInvariant())).Succeeded);
        Assert.False((await users.RedeemTwoFactorRecoveryCodeAsync(tracked, "NOT-A-CODE")).Succeeded);
        Assert.Equal(8, await users.CountRecoveryCodesAsync(tracked));
    }

    [Fact]
    public async Task SharedKey_IsEncryptedAtRest_AndReadBackForCodes()
    {
        var (user, key) = await EnrolledUserAsync();
        var base32 = OtpNet.Base32Encoding.ToString(key);

        var stored = await factory.Data.WithDb(db => db.UserTokens
            .SingleAsync(t => t.UserId == user.Id && t.Name == "AuthenticatorKey"));

        Assert.StartsWith("dp1:", stored.Value);
        Assert.DoesNotContain(base32, stored.Value!, StringComparison.OrdinalIgnoreCase);
        Assert.True(await Verify(user, Code(key, 0)));
    }

    [Fact]
    public async Task PlaintextSharedKeysFromBefore_AreEncryptedOnStart_AndStillWork()
    {
        var (user, _) = await EnrolledUserAsync();
        var legacy = OtpNet.Base32Encoding.ToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        await factory.Data.WithDb(db => db.UserTokens.Where(t => t.UserId == user.Id && t.Name == "AuthenticatorKey")
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Value, legacy)));

        var migrated = await factory.Data.WithDb(db => QuestraUserStore.ProtectPlaintextKeysAsync(db,
            factory.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>()));

        Assert.True(migrated >= 1);
        var stored = await factory.Data.WithDb(db => db.UserTokens.SingleAsync(t => t.UserId == user.Id && t.Name == "AuthenticatorKey"));
        Assert.StartsWith("dp1:", stored.Value);
        Assert.DoesNotContain(legacy, stored.Value!);
        Assert.True(await Verify(user, AuthenticatorCodes.Compute(AuthenticatorCodes.DecodeKey(legacy)!, factory.Clock.GetUtcNow())));
    }

    [Fact]
    public async Task RecoveryCodes_AreStoredSalted_SoTheSameCodeNeverHashesAlike()
    {
        var (user, _) = await EnrolledUserAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var store = (QuestraUserStore)scope.ServiceProvider.GetRequiredService<IUserStore<ApplicationUser>>();
        var tracked = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByIdAsync(user.Id))!;

        await store.ReplaceCodesAsync(tracked, ["AAAAA-BBBBB", "AAAAA-BBBBB"]);
        await store.UpdateAsync(tracked);

        var stored = (await factory.Data.WithDb(db => db.UserTokens.SingleAsync(t => t.UserId == user.Id && t.Name == "RecoveryCodes"))).Value!.Split(';');
        Assert.Equal(2, stored.Length);
        Assert.NotEqual(stored[0], stored[1]);
        Assert.All(stored, h => Assert.DoesNotContain("AAAAA", h));
        Assert.All(stored, h => Assert.NotEqual(64, h.Length)); // not a bare SHA-256
        Assert.True(await store.RedeemCodeAsync(tracked, "aaaaa-bbbbb"));
        Assert.True(await store.RedeemCodeAsync(tracked, "AAAAA-BBBBB"));
        Assert.False(await store.RedeemCodeAsync(tracked, "AAAAA-BBBBB"));
    }

    [Fact]
    public async Task OnceEnrolled_TheKeyIsNotOfferedAgain_AndPostingACodeChangesNothing()
    {
        var (user, key) = await EnrolledUserAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var mfa = scope.ServiceProvider.GetRequiredService<MfaService>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var tracked = (await users.FindByIdAsync(user.Id))!;
        Assert.NotNull(await mfa.GetEnrollmentAsync(tracked));
        Assert.NotNull(await mfa.EnableAsync(tracked, Code(key, 0), null));
        var codesBefore = (await factory.Data.WithDb(db => db.UserTokens.SingleAsync(t => t.UserId == user.Id && t.Name == "RecoveryCodes"))).Value;

        Assert.Null(await mfa.GetEnrollmentAsync(tracked));
        Assert.Null(await mfa.EnableAsync(tracked, Code(key, 1), null));

        var codesAfter = (await factory.Data.WithDb(db => db.UserTokens.SingleAsync(t => t.UserId == user.Id && t.Name == "RecoveryCodes"))).Value;
        Assert.Equal(codesBefore, codesAfter);
    }
}

public sealed class AuthenticatorTestsOnSqlite(QuestraFactory factory) : AuthenticatorTests(factory), IClassFixture<QuestraFactory>;

public sealed class AuthenticatorTestsOnPostgres(PostgresFactory factory) : AuthenticatorTests(factory), IClassFixture<PostgresFactory>;
