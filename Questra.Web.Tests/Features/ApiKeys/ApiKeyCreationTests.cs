using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.ApiKeys;

public abstract class ApiKeyCreationTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    private Task<ServiceResult<CreatedApiKey>> Create(string org, string user, ApiKeyInput input) =>
        Data.WithService<ApiKeyService, ServiceResult<CreatedApiKey>>(s => s.CreateAsync(org, new Caller(user, "10.0.0.1"), input));

    private static ApiKeyInput Named(string? name) => new(name, null, null, null);

    [Fact]
    public async Task Create_WithoutMfa_IsRefused_AndSaysToSetUpTwoFactor()
    {
        var org = await Data.OrgAsync();
        var user = await Data.UserAsync(mfa: false);
        await Data.AddMemberAsync(org, user, OrgRole.Owner);

        var result = await Create(org, user, Named("k"));

        Assert.Equal(ErrorKind.Forbidden, result.Error?.Kind);
        Assert.Contains("Two-factor authentication is required", result.Error!.Message);
    }

    [Fact]
    public async Task Create_OnFreePlan_IsRefused_AndNamesThePlan()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync(Plan.Free);

        var result = await Create(org, owner, Named("k"));

        Assert.Equal(ErrorKind.Forbidden, result.Error?.Kind);
        Assert.Contains("Free plan", result.Error!.Message);
    }

    [Fact]
    public async Task Create_MemberWhenOnlyOwnersAndAdminsMay_IsRefused()
    {
        var org = await Data.OrgAsync(policy: ApiKeyCreationPolicy.OwnersAndAdmins);
        var member = await Data.UserAsync();
        await Data.AddMemberAsync(org, member, OrgRole.Member);

        var result = await Create(org, member, Named("k"));

        Assert.Equal(ErrorKind.Forbidden, result.Error?.Kind);
        Assert.Contains("Only owners and admins", result.Error!.Message);
    }

    [Fact]
    public async Task Create_MemberWhenAllMembersMay_Succeeds()
    {
        var org = await Data.OrgAsync(policy: ApiKeyCreationPolicy.AllMembers);
        var member = await Data.UserAsync();
        await Data.AddMemberAsync(org, member, OrgRole.Member);

        var result = await Create(org, member, Named("k"));

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public async Task Create_WhenOrgDisabledCreation_IsRefusedEvenForOwner()
    {
        var org = await Data.OrgAsync(policy: ApiKeyCreationPolicy.Disabled);
        var owner = await Data.UserAsync();
        await Data.AddMemberAsync(org, owner, OrgRole.Owner);

        var result = await Create(org, owner, Named("k"));

        Assert.Equal(ErrorKind.Forbidden, result.Error?.Kind);
        Assert.Contains("disabled for this organization", result.Error!.Message);
    }

    [Fact]
    public void Eligibility_EachBlock_HasItsOwnMessageAndFix()
    {
        var messages = new[]
        {
            CreationEligibility.Evaluate(true, false, Plan.Pro, ApiKeyCreationPolicy.AllMembers, OrgRole.Owner),
            CreationEligibility.Evaluate(true, true, Plan.Free, ApiKeyCreationPolicy.AllMembers, OrgRole.Owner),
            CreationEligibility.Evaluate(true, true, Plan.Pro, ApiKeyCreationPolicy.Disabled, OrgRole.Owner),
            CreationEligibility.Evaluate(true, true, Plan.Pro, ApiKeyCreationPolicy.OwnersAndAdmins, OrgRole.Member),
            CreationEligibility.Evaluate(false, true, Plan.Pro, ApiKeyCreationPolicy.AllMembers, OrgRole.Owner),
        };
        Assert.All(messages, m => Assert.False(m.Allowed));
        Assert.Equal(messages.Length, messages.Select(m => m.Message).Distinct().Count());
        Assert.Equal("/Account/Manage/EnableAuthenticator", messages[0].FixUrl);
        Assert.True(CreationEligibility.Evaluate(true, true, Plan.Team, ApiKeyCreationPolicy.OwnersAndAdmins, OrgRole.Admin).Allowed);
    }

    [Fact]
    public async Task Create_ExpiryInThePast_IsRefusedOnTheField()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();

        var result = await Create(org, owner, new ApiKeyInput("k", factory.Clock.GetUtcNow().AddMinutes(-1), null, null));

        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
        Assert.Contains("expires_at", result.Error!.FieldErrors!.Keys);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Create_EmptyName_IsRefusedOnTheField(string? name)
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();

        var result = await Create(org, owner, Named(name));

        Assert.Equal("Name is required.", Assert.Single(result.Error!.FieldErrors!["name"]));
    }

    [Fact]
    public async Task Create_NameIsTrimmed_AndAHundredCharactersIsTheLimit()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();

        var ok = await Create(org, owner, Named("  " + new string('a', 100) + "  "));
        var tooLong = await Create(org, owner, Named(new string('a', 101)));

        Assert.Equal(new string('a', 100), ok.Value!.Key.Name);
        Assert.Contains("at most 100", tooLong.Error!.FieldErrors!["name"][0]);
    }

    [Fact]
    public async Task Create_StoresOnlyTheHash_AndWritesAnAuditEvent()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();

        var created = (await Create(org, owner, Named("Production"))).Value!;

        var stored = await Data.WithDb(db => Task.FromResult(db.ApiKeys.Single(k => k.Id == created.Key.Id)));
        Assert.Equal(ApiKeySecret.Hash(created.Secret), stored.SecretHash);
        Assert.Equal(created.Secret[..12], stored.Prefix);
        var audit = await Data.WithDb(db => Task.FromResult(db.AuditEvents.Single(a => a.TargetId == created.Key.Id)));
        Assert.Equal("api_key.created", audit.Type);
        Assert.Equal(owner, audit.ActorUserId);
        Assert.Equal("10.0.0.1", audit.Ip);
        Assert.DoesNotContain(created.Secret, created.ToString());
    }
}

public sealed class ApiKeyCreationTestsOnSqlite(QuestraFactory factory) : ApiKeyCreationTests(factory), IClassFixture<QuestraFactory>;

public sealed class ApiKeyCreationTestsOnPostgres(PostgresFactory factory) : ApiKeyCreationTests(factory), IClassFixture<PostgresFactory>;
