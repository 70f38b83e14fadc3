using System.Net;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Organizations;

public abstract class MembershipServiceTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    private Task<ServiceResult<T>> Members<T>(Func<MembershipService, Task<ServiceResult<T>>> work) =>
        Data.WithService<MembershipService, ServiceResult<T>>(work);

    [Fact]
    public async Task LastOwner_CannotBeDemotedOrRemoved()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var caller = new Caller(owner, null);

        var demote = await Members(m => m.ChangeRoleAsync(org, caller, owner, OrgRole.Admin));
        var remove = await Members(m => m.RemoveAsync(org, caller, owner));

        Assert.Equal(ErrorKind.Conflict, demote.Error?.Kind);
        Assert.Equal(ErrorKind.Conflict, remove.Error?.Kind);
        Assert.Equal(OrgRole.Owner, await Data.WithDb(db => db.Memberships.Where(m => m.UserId == owner).Select(m => m.Role).SingleAsync()));
    }

    [Fact]
    public async Task TheMemberList_MarksTheLastOwner_AsTheRuleSeesThem()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var other = await Data.UserAsync();
        await Data.AddMemberAsync(org, other, OrgRole.Admin);
        var caller = new Caller(owner, null);

        var alone = (await Members(m => m.ListAsync(org, caller))).Value!;
        Assert.Equal([owner], alone.Where(m => m.IsLastOwner).Select(m => m.UserId));

        Assert.True((await Members(m => m.ChangeRoleAsync(org, caller, other, OrgRole.Owner))).Succeeded);
        var two = (await Members(m => m.ListAsync(org, caller))).Value!;
        Assert.DoesNotContain(two, m => m.IsLastOwner);
        // Now the rule lets the first owner go, as the list said.
        Assert.True((await Members(m => m.ChangeRoleAsync(org, caller, owner, OrgRole.Admin))).Succeeded);
    }

    [Fact]
    public async Task Admin_CannotMakeOwners_NorChangeAnOwner_ButManagesMembers()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (admin, member) = (await Data.UserAsync(), await Data.UserAsync());
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        await Data.AddMemberAsync(org, member, OrgRole.Member);
        var caller = new Caller(admin, null);

        Assert.Equal(ErrorKind.Forbidden, (await Members(m => m.ChangeRoleAsync(org, caller, member, OrgRole.Owner))).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Members(m => m.ChangeRoleAsync(org, caller, owner, OrgRole.Member))).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Members(m => m.RemoveAsync(org, caller, owner))).Error?.Kind);
        Assert.True((await Members(m => m.ChangeRoleAsync(org, caller, member, OrgRole.Admin))).Succeeded);
    }

    [Fact]
    public async Task Member_CannotChangeSettingsOrRoles()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var member = await Data.UserAsync();
        await Data.AddMemberAsync(org, member, OrgRole.Member);
        var caller = new Caller(member, null);

        Assert.Equal(ErrorKind.Forbidden, (await Members(m => m.SetApiKeyCreationAsync(org, caller, ApiKeyCreationPolicy.AllMembers))).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Members(m => m.ChangeRoleAsync(org, caller, member, OrgRole.Admin))).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Data.WithService<InvitationService, ServiceResult<InvitationView>>(
            s => s.InviteAsync(org, caller, "x@example.test", OrgRole.Member))).Error?.Kind);
    }

    [Fact]
    public async Task PolicyChange_TakesEffectOnKeyCreation_AndIsAudited()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var member = await Data.UserAsync();
        await Data.AddMemberAsync(org, member, OrgRole.Member);
        var (_, ownerKey) = await Data.KeyAsync(org, owner);

        await Members(m => m.SetApiKeyCreationAsync(org, new Caller(owner, null), ApiKeyCreationPolicy.Disabled));
        var response = await factory.ApiClient(ownerKey, org).PostAsync("/api/api-keys",
            new StringContent("""{"name":"x"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(await Data.WithDb(db => db.AuditEvents.AnyAsync(a => a.OrganizationId == org && a.Type == "org.settings_changed")));
    }
}

public sealed class MembershipServiceTestsOnSqlite(QuestraFactory factory) : MembershipServiceTests(factory), IClassFixture<QuestraFactory>;

public sealed class MembershipServiceTestsOnPostgres(PostgresFactory factory) : MembershipServiceTests(factory), IClassFixture<PostgresFactory>;
