using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.AuditTrail;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Organizations;

/// <summary>
/// Every dashboard read and action asks the service, which reads the caller's membership and role as they are
/// now: what an open tab remembers of them counts for nothing.
/// </summary>
public abstract class StaleTabTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    [Fact]
    public async Task ARemovedMember_GetsNotAMember_FromEveryDashboardRead()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var admin = await Data.UserAsync();
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        await Data.SurveyAsync(org, owner);
        var (keyId, _) = await Data.KeyAsync(org, owner);
        var me = new Caller(admin, null);

        await Data.RemoveMemberAsync(org, admin);

        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<SurveyAccess, ServiceResult<SurveyListing>>(s => s.ListForUserAsync(org, admin, 2, 20))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<SurveyAccess, ServiceResult<List<SurveyChoice>>>(s => s.ChoicesForUserAsync(org, admin, 500))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<ApiKeyService, ServiceResult<Page<ApiKey>>>(s => s.ListAsync(org, me, new ApiKeyQuery()))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.GetAsync(org, me, keyId))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RevokeAsync(org, me, keyId))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<MembershipService, ServiceResult<List<MemberView>>>(s => s.ListAsync(org, me))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<MembershipService, ServiceResult<bool>>(s => s.RemoveAsync(org, me, owner))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<AuditLog, ServiceResult<Page<AuditEntry>>>(s => s.QueryAsync(org, admin, new AuditFilter(), 1, 25))).Error?.Kind);
        Assert.False((await Data.WithService<ApiKeyService, CreationEligibility>(s => s.CheckCreationAsync(org, admin))).Allowed);
    }

    [Fact]
    public async Task ADemotedAdmin_SeesTheNarrowerViewOnTheNextRead()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var admin = await Data.UserAsync();
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        await Data.SurveyAsync(org, owner, "Owner's");
        await Data.SurveyAsync(org, admin, "Mine");
        var before = await Data.WithService<SurveyAccess, ServiceResult<SurveyListing>>(s => s.ListForUserAsync(org, admin, 1, 20));

        await Data.SetRoleAsync(org, admin, OrgRole.Member);
        var after = await Data.WithService<SurveyAccess, ServiceResult<SurveyListing>>(s => s.ListForUserAsync(org, admin, 1, 20));
        var choices = await Data.WithService<SurveyAccess, ServiceResult<List<SurveyChoice>>>(s => s.ChoicesForUserAsync(org, admin, 500));
        var members = await Data.WithService<MembershipService, ServiceResult<List<MemberView>>>(s => s.ListAsync(org, new Caller(admin, null)));

        Assert.Equal(2, before.Value!.Page.Total);
        Assert.Equal(OrgRole.Member, after.Value!.Role);
        Assert.Equal(["Mine"], after.Value.Page.Items.Select(s => s.Title));
        Assert.Equal(["Mine"], choices.Value!.Select(s => s.Title));
        Assert.Equal(ErrorKind.Forbidden, members.Error?.Kind);
    }
}

public sealed class StaleTabTestsOnSqlite(QuestraFactory factory) : StaleTabTests(factory), IClassFixture<QuestraFactory>;

public sealed class StaleTabTestsOnPostgres(PostgresFactory factory) : StaleTabTests(factory), IClassFixture<PostgresFactory>;
