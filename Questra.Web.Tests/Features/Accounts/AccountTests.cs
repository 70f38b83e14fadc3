using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Data;
using Questra.Web.Features.Accounts;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>An organization always has an owner; deleting an account takes its lone organizations with it and stops its keys.</summary>
public abstract class AccountTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    private async Task<ServiceResult<AccountDeletionPlan>> DeleteAccountAsync(string userId, params string[] confirmed)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var user = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByIdAsync(userId))!;
        return await scope.ServiceProvider.GetRequiredService<AccountService>().DeleteAsync(user, confirmed, "127.0.0.1");
    }

    private Task<bool> UserExistsAsync(string id) => Data.WithDb(db => db.Users.AnyAsync(u => u.Id == id));

    [Fact]
    public async Task TheLastOwner_CannotDeleteTheirAccount_WhileOthersRemain_AndIsToldWhatToDo()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        await Data.AddMemberAsync(org, await Data.UserAsync(), OrgRole.Admin);

        var result = await DeleteAccountAsync(owner, org);

        Assert.Equal(ErrorKind.Conflict, result.Error?.Kind);
        Assert.Contains("Make someone else an owner first", result.Error!.Message);
        Assert.True(await UserExistsAsync(owner));
        Assert.Equal(OrgRole.Owner, await Data.WithDb(db => db.RoleOfAsync(org, owner)));
    }

    [Fact]
    public async Task AnOwner_WithAnotherOwner_MayDeleteTheirAccount_TheirKeysStop_TheOrganizationStays()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var second = await Data.UserAsync();
        await Data.AddMemberAsync(org, second, OrgRole.Owner);
        var (_, secret) = await Data.KeyAsync(org, owner);
        var (_, othersSecret) = await Data.KeyAsync(org, second);

        var result = await DeleteAccountAsync(owner);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.False(await UserExistsAsync(owner));
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient(secret, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(othersSecret, org).GetAsync("/api/surveys")).StatusCode);
        Assert.True(await Data.WithDb(db => db.Organizations.AnyAsync(o => o.Id == org)));
    }

    [Fact]
    public async Task ASoleMember_DeletesTheirOrganizationWithTheAccount_OnlyOnceConfirmed()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        await Data.SurveyAsync(org, owner);
        var (_, secret) = await Data.KeyAsync(org, owner);

        var unconfirmed = await DeleteAccountAsync(owner);
        Assert.Equal(ErrorKind.Validation, unconfirmed.Error?.Kind);
        Assert.Contains("Test org", unconfirmed.Error!.Message);
        Assert.True(await UserExistsAsync(owner));

        var deleted = await DeleteAccountAsync(owner, org);

        Assert.True(deleted.Succeeded, deleted.Error?.Message);
        Assert.Equal([org], deleted.Value!.DeletedWithIt.Select(o => o.Id));
        Assert.False(await UserExistsAsync(owner));
        Assert.False(await Data.WithDb(db => db.Organizations.AnyAsync(o => o.Id == org)));
        Assert.False(await Data.WithDb(db => db.Surveys.AnyAsync(s => s.OrganizationId == org)));
        var refused = await factory.ApiClient(secret, org).GetAsync("/api/surveys");
        Assert.Contains("deleted", await Problem.AssertAsync(refused, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task TheLastOwner_CannotBeRemovedOrDemoted()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var admin = await Data.UserAsync();
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);

        var demoted = await Data.WithService<MembershipService, ServiceResult<OrgRole>>(m => m.ChangeRoleAsync(org, new Caller(owner, null), owner, OrgRole.Admin));
        var removed = await Data.WithService<MembershipService, ServiceResult<bool>>(m => m.RemoveAsync(org, new Caller(owner, null), owner));

        Assert.Equal(ErrorKind.Conflict, demoted.Error?.Kind);
        Assert.Equal(ErrorKind.Conflict, removed.Error?.Kind);
        Assert.Equal(OrgRole.Owner, await Data.WithDb(db => db.RoleOfAsync(org, owner)));
    }

    [Fact]
    public async Task TwoOwnersDemotingEachOtherAtOnce_CannotBothSucceed()
    {
        for (var round = 0; round < 15; round++)
        {
            var (org, a) = await Data.OrgWithOwnerAsync();
            var b = await Data.UserAsync();
            await Data.AddMemberAsync(org, b, OrgRole.Owner);

            var results = await Task.WhenAll(
                Data.WithService<MembershipService, ServiceResult<OrgRole>>(m => m.ChangeRoleAsync(org, new Caller(a, null), b, OrgRole.Member)),
                Data.WithService<MembershipService, ServiceResult<OrgRole>>(m => m.ChangeRoleAsync(org, new Caller(b, null), a, OrgRole.Member)));

            Assert.Single(results, r => r.Succeeded);
            Assert.Equal(1, await Data.WithDb(db => db.Memberships.CountAsync(m => m.OrganizationId == org && m.Role == OrgRole.Owner)));
        }
    }

    [Fact]
    public async Task TheLastTwoOwners_DeletingTheirAccountsAtOnce_LeaveAnOwner()
    {
        for (var round = 0; round < 10; round++)
        {
            var (org, a) = await Data.OrgWithOwnerAsync();
            var b = await Data.UserAsync();
            await Data.AddMemberAsync(org, b, OrgRole.Owner);
            await Data.AddMemberAsync(org, await Data.UserAsync(), OrgRole.Member);

            var results = await Task.WhenAll(DeleteAccountAsync(a), DeleteAccountAsync(b));

            Assert.Single(results, r => r.Succeeded);
            Assert.Equal(1, await Data.WithDb(db => db.Memberships.CountAsync(m => m.OrganizationId == org && m.Role == OrgRole.Owner)));
        }
    }
}

public sealed class AccountTestsOnSqlite(QuestraFactory factory) : AccountTests(factory), IClassFixture<QuestraFactory>;

public sealed class AccountTestsOnPostgres(PostgresFactory factory) : AccountTests(factory), IClassFixture<PostgresFactory>;
