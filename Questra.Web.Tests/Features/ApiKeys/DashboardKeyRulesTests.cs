using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Audit;
using Questra.Web.Features.AuditTrail;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.ApiKeys;

/// <summary>The service rules behind the dashboard's newer screens: renames, the lost-secret marker, whom to ask, the audit filter.</summary>
public abstract class DashboardKeyRulesTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    private static Caller As(string user) => new(user, "10.0.0.9");

    [Fact]
    public async Task Rename_FollowsTheNameRules_StaysWithinReach_AndIsAudited()
    {
        var org = await Data.OrgAsync(policy: ApiKeyCreationPolicy.AllMembers);
        var (alice, bob) = (await Data.UserAsync(), await Data.UserAsync());
        await Data.AddMemberAsync(org, alice, OrgRole.Member);
        await Data.AddMemberAsync(org, bob, OrgRole.Member);
        var (key, _) = await Data.KeyAsync(org, alice, name: "before");

        var bidi = await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RenameAsync(org, As(alice), key, "evil\u202Eexe.txt"));
        var othersKey = await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RenameAsync(org, As(bob), key, "mine now"));
        var renamed = await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RenameAsync(org, As(alice), key, "  after  "));

        Assert.Equal(ErrorKind.Validation, bidi.Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, othersKey.Error?.Kind); // as for revoking it
        Assert.Equal("after", renamed.Value?.Name);
        var audit = await Data.WithDb(db => db.AuditEvents.Where(e => e.TargetId == key && e.Type == AuditEventTypes.ApiKeyRenamed).Select(e => e.Details).SingleAsync());
        Assert.Contains("\"from\":\"before\"", audit);
        Assert.Contains("\"to\":\"after\"", audit);
    }

    [Fact]
    public async Task AKeyMadeInTheDashboard_IsMarkedUntilItsOwnerConfirms_AKeyMadeThroughTheApiToo()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var admin = await Data.UserAsync();
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        var (key, _) = await Data.KeyAsync(org, owner);
        var (_, parent) = await Data.KeyAsync(org, owner);
        var child = await Problem.JsonAsync(await factory.ApiClient(parent, org).PostAsync("/api/api-keys",
            new StringContent("""{"name":"child"}""", System.Text.Encoding.UTF8, "application/json")), System.Net.HttpStatusCode.Created);
        var childId = child.GetProperty("id").GetString()!;
        Task<bool> Marked(string id) => Data.WithDb(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.SecretUnconfirmed).SingleAsync());

        Assert.True(await Marked(key));
        Assert.True(await Marked(childId)); // its 201 may have been lost on the way (IdempotencyTests: until its first use)
        Assert.False(child.TryGetProperty("secret_unconfirmed", out _));

        // Only the owner's Done clears it: an admin who sees the key cannot.
        Assert.False((await Data.WithService<ApiKeyService, ServiceResult<bool>>(s => s.ConfirmSecretSavedAsync(org, As(admin), key))).Value);
        Assert.True(await Marked(key));
        Assert.True((await Data.WithService<ApiKeyService, ServiceResult<bool>>(s => s.ConfirmSecretSavedAsync(org, As(owner), key))).Value);
        Assert.False(await Marked(key));
    }

    [Fact]
    public async Task ABlockedMember_IsToldEveryReason_AndWhichOwnersAndAdminsToAsk()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync(Plan.Free);
        var admin = await Data.UserAsync();
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        var member = await Data.UserAsync(mfa: false);
        await Data.AddMemberAsync(org, member, OrgRole.Member);

        var eligibility = await Data.WithService<ApiKeyService, CreationEligibility>(s => s.CheckCreationAsync(org, member));

        Assert.Equal([CreationBlock.MfaRequired, CreationBlock.FreePlan, CreationBlock.RoleNotAllowed], eligibility.Blockers.Select(b => b.Block));
        Assert.Equal([$"{await Data.EmailOfAsync(owner)} (owner)", $"{await Data.EmailOfAsync(admin)} (admin)"], eligibility.AskWhom);
        // The API answers with the first reason, as before.
        Assert.Equal(CreationBlock.MfaRequired, eligibility.Block);
    }

    [Fact]
    public async Task OrganizationRename_IsForOwnersAndAdmins_AndRefusesInvisibleCharacters()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var member = await Data.UserAsync();
        await Data.AddMemberAsync(org, member, OrgRole.Member);

        var byMember = await Data.WithService<MembershipService, ServiceResult<Organization>>(m => m.RenameAsync(org, As(member), "Mine"));
        var blank = await Data.WithService<MembershipService, ServiceResult<Organization>>(m => m.RenameAsync(org, As(owner), "   "));
        var hidden = await Data.WithService<MembershipService, ServiceResult<Organization>>(m => m.RenameAsync(org, As(owner), "Acme\u200B"));
        var renamed = await Data.WithService<MembershipService, ServiceResult<Organization>>(m => m.RenameAsync(org, As(owner), " Acme Research "));

        Assert.Equal(ErrorKind.Forbidden, byMember.Error?.Kind);
        Assert.Equal(ErrorKind.Validation, blank.Error?.Kind);
        Assert.Equal(ErrorKind.Validation, hidden.Error?.Kind);
        Assert.Equal("Acme Research", renamed.Value?.Name);
        Assert.Equal("Acme Research", await Data.WithDb(db => db.Organizations.Where(o => o.Id == org).Select(o => o.Name).SingleAsync()));
    }

    [Fact]
    public async Task TheAuditLog_FindsAKeyByPartOfItsName_AndNamesWhatEachEventIsAbout()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (board, _) = await Data.KeyAsync(org, owner, name: "Quarterly Board report");
        await Data.KeyAsync(org, owner, name: "Something else");

        var found = await Data.WithService<AuditLog, ServiceResult<Page<AuditEntry>>>(a => a.QueryAsync(org, owner, new AuditFilter(KeyId: "board"), 1, 25));

        var entry = Assert.Single(found.Value!.Items);
        Assert.Equal(board, entry.TargetId);
        Assert.Equal("Quarterly Board report", entry.TargetLabel);
    }

    [Fact]
    public async Task TheActiveFilter_LeavesOutRevokedAndExpiredKeys_ButKeepsARolledKeyInItsGrace()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var caller = new Caller(owner, "127.0.0.1");
        var (working, _) = await Data.KeyAsync(org, owner, name: "Working");
        var (revoked, _) = await Data.KeyAsync(org, owner, name: "Revoked");
        var (expiring, _) = await Data.KeyAsync(org, owner, name: "Expiring", expiresAt: factory.Clock.GetUtcNow().AddMinutes(5));
        var (rolled, _) = await Data.KeyAsync(org, owner, name: "Rolled");
        Assert.True((await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RevokeAsync(org, caller, revoked))).Succeeded);
        var roll = await Data.WithService<ApiKeyService, ServiceResult<CreatedApiKey>>(s => s.RollAsync(org, caller, rolled, new RollOptions(1)));
        Assert.True(roll.Succeeded, roll.Error?.Message);
        factory.Clock.Advance(TimeSpan.FromMinutes(6));

        var active = await Data.WithService<ApiKeyService, ServiceResult<Page<ApiKey>>>(s => s.ListAsync(org, caller, new ApiKeyQuery(ActiveOnly: true)));
        var all = await Data.WithService<ApiKeyService, ServiceResult<Page<ApiKey>>>(s => s.ListAsync(org, caller, new ApiKeyQuery()));

        Assert.Equal(new[] { working, rolled, roll.Value!.Key.Id }.Order(), active.Value!.Items.Select(k => k.Id).Order());
        Assert.Equal(5, all.Value!.Total);
    }

    [Fact]
    public void UsageLines_MarkRequestsAnsweredWithAnError()
    {
        Assert.Equal("GET /api/surveys/{id}", UsageRecorder.EndpointLabel("GET", "/api/surveys/{id}", 200));
        Assert.Equal("GET /api/surveys/{id} (4xx)", UsageRecorder.EndpointLabel("GET", "/api/surveys/{id}", 404));
        Assert.Equal("GET /api/surveys/{id} (5xx)", UsageRecorder.EndpointLabel("GET", "/api/surveys/{id}", 503));
        Assert.Equal("GET /api/surveys", UsageRecorder.EndpointLabel("GET", "/api/surveys", null));
    }
}

public sealed class DashboardKeyRulesTestsOnSqlite(QuestraFactory factory) : DashboardKeyRulesTests(factory), IClassFixture<QuestraFactory>;

public sealed class DashboardKeyRulesTestsOnPostgres(PostgresFactory factory) : DashboardKeyRulesTests(factory), IClassFixture<PostgresFactory>;
