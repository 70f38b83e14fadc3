using System.Net;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Components.Pages.ApiKeys;
using Questra.Web.Components.Pages.Audit;
using Questra.Web.Components.Pages.Invitations;
using Questra.Web.Components.Pages.Settings;
using Questra.Web.Components.Pages.Surveys;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Components;

/// <summary>Whole dashboard pages rendered by bUnit over the app's real services and database.</summary>
public abstract class PageTests(QuestraFactory factory) : DashboardTestContext
{
    [Fact]
    public async Task ApiKeysPage_WithoutMfa_ExplainsCreationOnly_AndStillListsAndRevokesKeys()
    {
        // The kill switch: an owner whose two-factor is off still sees their keys and can stop them, with their children.
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (parentId, parentSecret) = await factory.Data.KeyAsync(org, owner, name: "parent");
        var child = await Problem.JsonAsync(await factory.ApiClient(parentSecret, org).PostAsync("/api/api-keys",
            new StringContent("""{"name":"child"}""", System.Text.Encoding.UTF8, "application/json")), System.Net.HttpStatusCode.Created);
        var childId = child.GetProperty("id").GetString()!;
        await factory.Data.WithDb(db => db.Users.Where(u => u.Id == owner).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.TwoFactorEnabled, false).SetProperty(u => u.SelectedOrganizationId, org)));
        UseApp(factory, owner);

        var cut = RenderWithDialogs<ApiKeysPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=api-key-row]").Count));
        Assert.Equal("MfaRequired", cut.Find("[data-testid=creation-gate]").GetAttribute("data-block"));
        Assert.True(cut.Find("button[data-testid=create-api-key]").HasAttribute("disabled"));

        cut.Find($"[data-key-id={parentId}] button[aria-label^='Revoke ']").Click();
        cut.WaitForAssertion(() => Assert.Contains("1 working key made from this key stops with it.", cut.Find("[data-testid=confirm-consequence]").TextContent));
        Assert.Equal("Revoke", cut.Find("[data-testid=confirm-ok]").TextContent.Trim());
        cut.Find("[data-testid=confirm-ok]").Click();

        cut.WaitForAssertion(() => Assert.Equal(["Revoked", "Revoked"], cut.FindAll("[data-testid=api-key-status]").Select(e => e.TextContent)));
        var revoked = await factory.Data.WithDb(db => db.ApiKeys.Where(k => k.Id == parentId || k.Id == childId).Select(k => k.RevokedAt).ToListAsync());
        Assert.All(revoked, r => Assert.NotNull(r));
    }

    [Fact]
    public async Task ApiKeysPage_AdminSeesAnotherMembersKey_CanRevokeIt_ButNotRollIt()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var admin = await factory.Data.UserAsync();
        await factory.Data.AddMemberAsync(org, admin, OrgRole.Admin);
        var (ownersKey, _) = await factory.Data.KeyAsync(org, owner, name: "owner's key");
        var (adminsKey, _) = await factory.Data.KeyAsync(org, admin, name: "admin's key");
        await factory.Data.SelectOrganizationAsync(admin, org);
        UseApp(factory, admin);

        var cut = Render<ApiKeysPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=api-key-row]").Count));
        Assert.Empty(cut.FindAll($"[data-key-id={ownersKey}] button[aria-label^='Roll ']"));
        Assert.Single(cut.FindAll($"[data-key-id={ownersKey}] button[aria-label^='Revoke ']"));
        Assert.Single(cut.FindAll($"[data-key-id={adminsKey}] button[aria-label^='Roll ']"));
    }

    [Fact]
    public async Task ApiKeysPage_OwnerWithNoKeys_ShowsTheEmptyStateAndAnEnabledCreateButton()
    {
        var (_, owner) = await factory.Data.OrgWithOwnerAsync();
        UseApp(factory, owner);

        var cut = Render<ApiKeysPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=api-keys-empty]"));
        Assert.False(cut.Find("button[data-testid=create-api-key]").HasAttribute("disabled"));
        Assert.Empty(cut.FindAll("[data-testid=creation-gate]"));
    }

    [Fact]
    public async Task ApiKeysPage_OnFreePlan_ExplainsThePlan_AndDisablesCreate()
    {
        var (_, owner) = await factory.Data.OrgWithOwnerAsync(Plan.Free);
        UseApp(factory, owner);

        var cut = Render<ApiKeysPage>();

        cut.WaitForAssertion(() => Assert.Equal("FreePlan", cut.Find("[data-testid=creation-gate]").GetAttribute("data-block")));
        Assert.True(cut.Find("button[data-testid=create-api-key]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task ApiKeysPage_ListsKeys_MemberSeesOnlyTheirOwn()
    {
        var org = await factory.Data.OrgAsync(policy: ApiKeyCreationPolicy.AllMembers);
        var (member, other) = (await factory.Data.UserAsync(), await factory.Data.UserAsync());
        await factory.Data.AddMemberAsync(org, member, OrgRole.Member);
        await factory.Data.AddMemberAsync(org, other, OrgRole.Member);
        await factory.Data.KeyAsync(org, member, name: "mine");
        await factory.Data.KeyAsync(org, other, name: "theirs");
        UseApp(factory, member);

        var cut = Render<ApiKeysPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=api-key-row]")));
        Assert.Contains("mine", cut.Find("[data-testid=api-key-row]").TextContent);
    }

    [Fact]
    public async Task SettingsPage_ShowsTheOrganizationId_AndHidesRoleControlsFromMembers()
    {
        var (org, _) = await factory.Data.OrgWithOwnerAsync();
        await SignedInAsync(factory, org, OrgRole.Member);

        var cut = Render<SettingsPage>();

        cut.WaitForAssertion(() => Assert.Equal(org, cut.Find("[data-testid=org-id]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=api-key-policy]"));
        Assert.Empty(cut.FindAll("[data-testid=members]"));
    }

    [Fact]
    public async Task SettingsPage_ShowsPolicyAndMembersToOwners()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        UseApp(factory, owner);

        var cut = Render<SettingsPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=api-key-policy]"));
        Assert.Equal(org, cut.Find("[data-testid=org-id]").TextContent);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=member-row]")));
    }

    [Fact]
    public async Task SettingsPage_SavesTheMinimumCellSize_AndSaysWhatIsWrongWithABadOne()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        UseApp(factory, owner);

        var cut = Render<SettingsPage>();
        cut.WaitForAssertion(() => Assert.Equal("5", cut.Find("#min-cell-size").GetAttribute("value")));
        cut.Find("#min-cell-size").Change("");
        cut.Find("[data-testid=aggregates-panel] form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("whole number from 1", cut.Find("[data-testid=aggregates-panel]").TextContent));
        Assert.Equal(5, await factory.Data.WithDb(db => db.Organizations.Where(o => o.Id == org).Select(o => o.MinCellSize).SingleAsync()));

        cut.Find("#min-cell-size").Change("10");
        cut.Find("[data-testid=aggregates-panel] form").Submit();
        await Eventually.HoldsAsync(async () => await factory.Data.WithDb(db => db.Organizations.Where(o => o.Id == org).Select(o => o.MinCellSize).SingleAsync()) == 10,
            "the minimum cell size was saved", seconds: 10);
    }

    [Fact]
    public async Task SettingsPage_DisablesTheOnlyOwnersControls_WithTheReason_AndSavesThePolicyAsItIsChosen()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var admin = await factory.Data.UserAsync();
        await factory.Data.AddMemberAsync(org, admin, OrgRole.Admin);
        UseApp(factory, owner);

        var cut = Render<SettingsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=member-row]").Count));
        var ownerRow = cut.FindAll("[data-testid=member-row]").Single(r => r.QuerySelector("[data-testid=last-owner]") is not null);
        Assert.Contains("make someone else an owner", ownerRow.TextContent);
        Assert.True(ownerRow.QuerySelector("button[aria-label^='Remove ']")!.HasAttribute("disabled"));
        Assert.Single(cut.FindAll("[data-testid=last-owner]"));

        // No Save button: the choice is saved when made.
        Assert.Empty(cut.FindAll("[data-testid=save-policy]"));
        cut.FindAll("[data-testid=policy-choice] input[type=radio]")[1].Click();
        await Eventually.HoldsAsync(async () => await factory.Data.WithDb(db => db.Organizations.Where(o => o.Id == org).Select(o => o.ApiKeyCreation).SingleAsync())
            == ApiKeyCreationPolicy.AllMembers, "the policy was saved when chosen", seconds: 10);

        // With a second owner, neither is the only one.
        await factory.Data.SetRoleAsync(org, admin, OrgRole.Owner);
        var again = Render<SettingsPage>();
        again.WaitForAssertion(() => Assert.Equal(2, again.FindAll("[data-testid=member-row]").Count));
        Assert.Empty(again.FindAll("[data-testid=last-owner]"));
    }

    /// <summary>Each Settings panel saves through the services; a refusal because the user was removed shows the page's notice, not a silent panel.</summary>
    [Fact]
    public async Task SettingsPanels_AfterTheUserWasRemoved_ThePageSaysSo_AndNothingChanged()
    {
        var (org, _) = await factory.Data.OrgWithOwnerAsync();
        var admin = await SignedInAsync(factory, org, OrgRole.Admin);
        var cut = Render<SettingsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=member-row]").Count));

        await factory.Data.RemoveMemberAsync(org, admin);
        cut.FindAll("[data-testid=policy-choice] input[type=radio]")[2].Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=no-longer-member]"));
        Assert.Empty(cut.FindAll("[data-testid=members]"));
        Assert.Equal(ApiKeyCreationPolicy.OwnersAndAdmins, await factory.Data.WithDb(db => db.Organizations.Where(o => o.Id == org).Select(o => o.ApiKeyCreation).SingleAsync()));
    }

    [Fact]
    public async Task SurveysPage_ShowsTheEmptyState_ThenTheSurveysWithTheirCounts()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        UseApp(factory, owner);

        var empty = Render<SurveysPage>();
        empty.WaitForAssertion(() => Assert.Contains("No surveys yet", empty.Markup));

        await factory.Data.SurveyAsync(org, owner, "Onboarding feedback", (DateTimeOffset.UtcNow, true), (DateTimeOffset.UtcNow, false));
        var listed = Render<SurveysPage>();
        listed.WaitForAssertion(() => Assert.Contains("Onboarding feedback", listed.Find("[data-testid=survey-row]").TextContent));
        Assert.Contains("2", listed.Find("[data-testid=survey-row] .num").TextContent);
    }

    [Fact]
    public async Task AuditPage_IsForOwnersAndAdmins_AndShowsWhatEachEventIsAbout()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var member = await factory.Data.UserAsync();
        await factory.Data.AddMemberAsync(org, member, OrgRole.Member);
        await factory.Data.SelectOrganizationAsync(member, org);
        var (key, _) = await factory.Data.KeyAsync(org, owner, name: "Warehouse export");

        UseApp(factory, owner);
        var cut = Render<AuditPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=audit-row]")));
        var link = cut.Find("[data-testid=audit-target-key]");
        Assert.Equal("Warehouse export", link.TextContent);
        Assert.Equal($"/settings/api-keys/{key}", link.GetAttribute("href"));
        var email = await factory.Data.EmailOfAsync(owner);
        var sentence = cut.Find("[data-testid=audit-sentence]");
        Assert.StartsWith($"{email} created API key Warehouse export",
            System.Text.RegularExpressions.Regex.Replace(sentence.TextContent, @"\s+", " ").Trim());
        Assert.Equal("api_key.created", sentence.QuerySelector(".event-code code")!.TextContent);
        Assert.Equal("this server", cut.Find("[data-testid=audit-row] .cell-from").TextContent);
        Assert.StartsWith($"/settings/audit/export?org={org}", cut.Find("[data-testid=audit-export]").GetAttribute("href"));
        Assert.Contains("\"scopes\"", cut.Find("[data-testid=audit-row] details pre").TextContent);
    }

    [Fact]
    public async Task AuditPage_ToAMember_SaysItIsForOwnersAndAdmins()
    {
        var (org, _) = await factory.Data.OrgWithOwnerAsync();
        await SignedInAsync(factory, org, OrgRole.Member);

        var cut = Render<AuditPage>();

        cut.WaitForAssertion(() => Assert.Contains("Only owners and admins", cut.Find("[data-testid=audit-forbidden]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=audit-row]"));
    }

    [Fact]
    public async Task KeyDetailPage_ShowsTheKey_ItsSurveysByTitle_AndItsParent_OrSaysItIsNotAvailable()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var survey = await factory.Data.SurveyAsync(org, owner, "Churn interviews");
        var (key, _) = await factory.Data.KeyAsync(org, owner, surveyIds: [survey], name: "Churn reader");
        UseApp(factory, owner);

        var cut = Render<ApiKeyDetailPage>(p => p.Add(d => d.Id, key));
        cut.WaitForAssertion(() => Assert.Equal(key, cut.Find("[data-testid=api-key-id]").TextContent));
        Assert.Contains("Churn interviews", cut.Find("[data-testid=api-key-surveys]").TextContent);
        Assert.Contains("None (made in the dashboard)", cut.Find("[data-testid=api-key-parent]").TextContent);
        Assert.Equal("0", cut.Find("[data-testid=usage-total]").TextContent);
        Assert.Single(cut.FindAll("[data-testid=usage-empty]"));

        var missing = Render<ApiKeyDetailPage>(p => p.Add(d => d.Id, "ak_nope"));
        missing.WaitForAssertion(() => missing.Find("[data-testid=api-key-not-found]"));
    }

    [Fact]
    public async Task KeyDetailPage_NamesTheKeysParent_AndItsReplacement()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (parent, secret) = await factory.Data.KeyAsync(org, owner, scopes: ["surveys:read", "api_keys:read", "api_keys:write"], name: "Deploy bot");
        var minted = await factory.ApiClient(secret, org).PostAsync("/api/api-keys",
            new StringContent("""{"name":"CI job","scopes":["surveys:read"]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, minted.StatusCode);
        var child = System.Text.Json.JsonDocument.Parse(await minted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var rolled = await factory.Data.WithService<ApiKeyService, Questra.Web.Features.Common.ServiceResult<CreatedApiKey>>(s =>
            s.RollAsync(org, new Questra.Web.Features.Common.Caller(owner, "127.0.0.1"), parent, new RollOptions(1)));
        Assert.True(rolled.Succeeded, rolled.Error?.Message);
        UseApp(factory, owner);

        var childPage = Render<ApiKeyDetailPage>(p => p.Add(d => d.Id, child));
        childPage.WaitForAssertion(() => Assert.Contains("Deploy bot (", childPage.Find("[data-testid=api-key-parent]").TextContent));
        var parentPage = Render<ApiKeyDetailPage>(p => p.Add(d => d.Id, parent));
        parentPage.WaitForAssertion(() => Assert.Contains("Deploy bot (", parentPage.Find("[data-testid=api-key-replacement]").TextContent));
        Assert.Equal($"/settings/api-keys/{rolled.Value!.Key.Id}", parentPage.Find("[data-testid=api-key-replacement] a").GetAttribute("href"));
    }

    [Fact]
    public async Task KeyDetailPage_CountsRefusalsByClass_AndListsTheRecentFailuresWithTheirReasons()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (key, secret) = await factory.Data.KeyAsync(org, owner, scopes: ["surveys:read"], name: "Reporting");
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ApiClient(secret, org).GetAsync("/api/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.ApiClient(secret, null).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(secret, org).GetAsync("/api/surveys")).StatusCode);
        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();
        UseApp(factory, owner);

        var cut = Render<ApiKeyDetailPage>(p => p.Add(d => d.Id, key));

        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=usage-total]").TextContent));
        Assert.Equal("2", cut.Find("[data-testid=usage-errors]").TextContent);
        Assert.Equal("0", cut.Find("[data-testid=usage-server-errors]").TextContent);
        var rows = cut.FindAll("[data-testid=recent-failure]");
        Assert.Equal(["400", "403"], rows.Select(r => r.QuerySelector("[data-testid=recent-failure-status]")!.TextContent));
        Assert.Contains("X-Org-Id header is required", rows[0].TextContent);
        Assert.Contains("GET /api/api-keys", rows[1].TextContent);
        Assert.Contains("lacks the 'api_keys:read' scope", rows[1].TextContent);
        Assert.DoesNotContain(secret, cut.Markup);
        // The chart has a table beside it that a screen reader and a phone can read.
        Assert.Contains("GET /api/surveys (4xx)", cut.Find("[data-testid=usage-table]").TextContent);
    }

    [Fact]
    public async Task InvitationsPage_WithNone_SaysWhereTheyComeFrom()
    {
        var user = await factory.Data.UserAsync();
        UseApp(factory, user);

        var cut = Render<InvitationsPage>();

        cut.WaitForAssertion(() => Assert.Contains("Invitations reach confirmed addresses only", cut.Find("[data-testid=invitations-empty]").TextContent));
    }
}

public sealed class PageTestsOnSqlite(QuestraFactory factory) : PageTests(factory), IClassFixture<QuestraFactory>;

public sealed class PageTestsOnPostgres(PostgresFactory factory) : PageTests(factory), IClassFixture<PostgresFactory>;
