using System.Net;
using Microsoft.EntityFrameworkCore;
using System.Diagnostics;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Data;
using Questra.Web.Features.Mfa;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>
/// Signing in tells nobody who has an account, and guessing recovery codes is neither free nor cheap to answer:
/// each wrong one counts towards the lockout and costs one password hash.
/// </summary>
public class AccountOracleTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    [Fact]
    public async Task AWrongPassword_IsAnsweredAlike_ForARealAndAnUnknownAddress_AndBothLockAfterFive()
    {
        var real = await factory.Data.EmailOfAsync(await factory.Data.UserAsync(mfa: false));
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";
        var browser = FormClient.For(factory);
        var answers = new Dictionary<string, List<(HttpResponseMessage Answer, string Page, double Ms)>> { [real] = [], [unknown] = [] };

        for (var i = 0; i < 5; i++)
        {
            foreach (var email in new[] { real, unknown })
            {
                var started = Stopwatch.GetTimestamp();
                var answer = await browser.LogInAsync(email, "Wrong-passw0rd!");
                var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                answers[email].Add((answer, await answer.Content.ReadAsStringAsync(), took));
            }
        }

        foreach (var email in new[] { real, unknown })
        {
            Assert.All(answers[email].Take(4), a => Assert.Contains("Invalid login attempt", a.Page));
            Assert.Contains("/Account/Lockout", answers[email][4].Answer.Headers.Location?.OriginalString ?? "");
        }
        // One password hash either way: medians of the 2nd to 4th tries within a factor of four (they were 30–40 apart).
        static double Median(List<(HttpResponseMessage, string, double Ms)> tries) => tries.Skip(1).Take(3).Select(t => t.Ms).Order().ElementAt(1);
        Assert.InRange(Median(answers[real]) / Median(answers[unknown]), 0.25, 4);
    }

    [Fact]
    public async Task WrongRecoveryCodes_CountTowardsTheLockout()
    {
        var (id, email, _) = await factory.Data.EnrolledUserAsync();
        var codes = await factory.Data.WithService<UserManager<ApplicationUser>, List<string>>(async users =>
            (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByIdAsync(id))!, 10))!.ToList());
        var browser = FormClient.For(factory);
        var first = await browser.LogInAsync(email, TestData.Password);
        Assert.Contains("LoginWith2fa", first.Headers.Location!.OriginalString);

        HttpResponseMessage answer = first;
        for (var i = 0; i < 5; i++)
        {
            answer = await browser.PostFormAsync("/Account/LoginWithRecoveryCode", "login-with-recovery-code",
                new() { ["Input.RecoveryCode"] = $"AAAAA-{i:D5}" });
        }

        Assert.Contains("/Account/Lockout", answer.Headers.Location?.OriginalString ?? "");
        var right = await browser.PostFormAsync("/Account/LoginWithRecoveryCode", "login-with-recovery-code", new() { ["Input.RecoveryCode"] = codes[0] });
        Assert.Contains("/Account/Lockout", right.Headers.Location?.OriginalString ?? "");
        Assert.Equal(10, await factory.Data.WithService<UserManager<ApplicationUser>, int>(async users =>
            await users.CountRecoveryCodesAsync((await users.FindByIdAsync(id))!))); // nothing was spent while locked
    }

    [Fact]
    public async Task SigningInWithARecoveryCode_SaysHowManyAreLeft_AndIsAudited()
    {
        var (id, email, _) = await factory.Data.EnrolledUserAsync();
        var org = await factory.Data.OrgAsync();
        await factory.Data.AddMemberAsync(org, id, Questra.Web.Features.Organizations.OrgRole.Owner);
        var codes = await factory.Data.WithService<UserManager<ApplicationUser>, List<string>>(async users =>
            (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByIdAsync(id))!, 10))!.ToList());
        var browser = FormClient.For(factory);
        await browser.LogInAsync(email, TestData.Password);

        var signedIn = await browser.PostFormAsync("/Account/LoginWithRecoveryCode", "login-with-recovery-code", new() { ["Input.RecoveryCode"] = codes[3] });

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains("/Account/Manage/TwoFactorAuthentication", signedIn.Headers.Location!.OriginalString);
        var page = await browser.Http.GetStringAsync(signedIn.Headers.Location.OriginalString);
        Assert.Contains("9 recovery codes left", page);
        var audit = await factory.Data.WithDb(db => db.AuditEvents.SingleAsync(e => e.OrganizationId == org && e.Type == "mfa.recovery_code_used"));
        Assert.Equal(id, audit.ActorUserId);
        Assert.Contains("\"codes_left\":9", audit.Details);
    }

    [Fact]
    public async Task ARecoveryCodeGuess_CostsOnePasswordHash_NotTen()
    {
        var id = await factory.Data.UserAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var hasher = new CountingHasher();
        using var store = new QuestraUserStore(scope.ServiceProvider.GetRequiredService<QuestraDbContext>(),
            scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>(), hasher);
        var user = (await store.FindByIdAsync(id))!;
        var codes = Enumerable.Range(0, 10).Select(i => $"ABCDE-{i:D5}").ToList();
        await store.ReplaceCodesAsync(user, codes);
        await store.UpdateAsync(user);

        hasher.Verifications = 0;
        Assert.False(await store.RedeemCodeAsync(user, "ZZZZZ-99999"));
        Assert.Equal(1, hasher.Verifications);

        hasher.Verifications = 0;
        Assert.True(await store.RedeemCodeAsync(user, codes[7]));
        Assert.InRange(hasher.Verifications, 1, 3); // more than one only when other codes share its 8-bit tag
        Assert.Equal(9, await store.CountCodesAsync(user));
    }

    private sealed class CountingHasher : IPasswordHasher<ApplicationUser>
    {
        private readonly PasswordHasher<ApplicationUser> inner = new();
        public int Verifications { get; set; }

        public string HashPassword(ApplicationUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ApplicationUser user, string hashedPassword, string providedPassword)
        {
            Verifications++;
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
