using Bunit;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Components.Pages.ApiKeys;
using Questra.Web.Components.Pages.Settings;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Components;

/// <summary>Whole dashboard pages rendered by bUnit over the app's real services and database.</summary>
public abstract class PageTests(QuestraFactory factory) : DashboardTestContext
{
    [Fact]
    public async Task ApiKeysPage_WithoutMfa_ShowsOnlyTheGate_NoTableAndNoCreateButton()
    {
        var (org, _) = await factory.Data.OrgWithOwnerAsync();
        var user = await factory.Data.UserAsync(mfa: false);
        await factory.Data.AddMemberAsync(org, user, OrgRole.Admin);
        await factory.Data.WithDb(db => db.Users.Where(u => u.Id == user)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.SelectedOrganizationId, org)));
        UseApp(factory, user);

        var cut = Render<ApiKeysPage>();

        cut.WaitForAssertion(() => Assert.Equal("MfaRequired", cut.Find("[data-testid=creation-gate]").GetAttribute("data-block")));
        Assert.Empty(cut.FindAll("[data-testid=create-api-key]"));
        Assert.Empty(cut.FindAll("[data-testid=api-keys-table]"));
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
        var member = await factory.Data.UserAsync();
        await factory.Data.AddMemberAsync(org, member, OrgRole.Member);
        await factory.Data.WithDb(db => db.Users.Where(u => u.Id == member)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.SelectedOrganizationId, org)));
        UseApp(factory, member);

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
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=members-table] .rz-data-row")));
    }
}

public sealed class PageTestsOnSqlite(QuestraFactory factory) : PageTests(factory), IClassFixture<QuestraFactory>;

public sealed class PageTestsOnPostgres(PostgresFactory factory) : PageTests(factory), IClassFixture<PostgresFactory>;
