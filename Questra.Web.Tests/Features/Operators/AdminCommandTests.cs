using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Operators;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;
using Questra.Web.Tests.Process;

namespace Questra.Web.Tests.Features.Operators;

/// <summary>The operator's commands: exit codes, what they print, what they change, and the audit events they leave.</summary>
public abstract class AdminCommandTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    private async Task<(int Code, string Output, string Errors)> RunAsync(params string[] words)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await AdminCommands.RunAsync(factory.Services, ["admin", .. words], output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    private Task<List<Questra.Web.Features.Audit.AuditEvent>> EventsAsync(string org, string type) =>
        Data.WithDb(db => db.AuditEvents.Where(e => e.OrganizationId == org && e.Type == type).ToListAsync());

    [Fact]
    public async Task ListOrgs_PrintsIdPlanNameAndOwners_TabSeparated()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync(Plan.Team);
        var second = await Data.UserAsync();
        await Data.AddMemberAsync(org, second, OrgRole.Owner);
        await Data.AddMemberAsync(org, await Data.UserAsync(), OrgRole.Admin);

        var (code, output, _) = await RunAsync("list-orgs");

        Assert.Equal(0, code);
        var line = output.Split('\n').Single(l => l.StartsWith(org, StringComparison.Ordinal)).Split('\t');
        Assert.Equal([org, "Team", "Test org"], line[..3]);
        Assert.Equal(new[] { await Data.EmailOfAsync(owner), await Data.EmailOfAsync(second) }.Order(), line[3].Split(',').Order());
    }

    [Fact]
    public async Task SetPlan_ChangesThePlan_AndAudits_SoTheOwnerCanCreateKeys()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync(Plan.Free);
        Assert.False((await Data.WithService<Questra.Web.Features.ApiKeys.ApiKeyService, Questra.Web.Features.ApiKeys.CreationEligibility>(
            s => s.CheckCreationAsync(org, owner))).Allowed);

        var (code, output, _) = await RunAsync("set-plan", org, "pro");

        Assert.Equal(0, code);
        Assert.Contains("Free -> Pro", output);
        Assert.Equal(Plan.Pro, await Data.WithDb(db => db.Organizations.Where(o => o.Id == org).Select(o => o.Plan).SingleAsync()));
        var audit = Assert.Single(await EventsAsync(org, "org.plan_changed"));
        Assert.Null(audit.ActorUserId);
        Assert.Equal("operator", JsonDocument.Parse(audit.Details!).RootElement.GetProperty("by").GetString());
        Assert.True((await Data.WithService<Questra.Web.Features.ApiKeys.ApiKeyService, Questra.Web.Features.ApiKeys.CreationEligibility>(
            s => s.CheckCreationAsync(org, owner))).Allowed);
    }

    [Theory]
    [InlineData("Platinum", "Unknown plan")]
    [InlineData("1", "Unknown plan")]
    [InlineData("", "Unknown plan")]
    [InlineData("Pro,Team", "Unknown plan")] // Enum.TryParse would read Organisation
    [InlineData(" pro ", "Unknown plan")]
    public async Task SetPlan_UnknownPlan_Exits1_AndChangesNothing(string plan, string message)
    {
        var (org, _) = await Data.OrgWithOwnerAsync(Plan.Free);

        var (code, _, errors) = await RunAsync("set-plan", org, plan);

        Assert.Equal(1, code);
        Assert.Contains(message, errors);
        Assert.Equal(Plan.Free, await Data.WithDb(db => db.Organizations.Where(o => o.Id == org).Select(o => o.Plan).SingleAsync()));
        Assert.Empty(await EventsAsync(org, "org.plan_changed"));
    }

    [Fact]
    public async Task SetPlan_UnknownOrg_Exits1_SayingSo()
    {
        var (code, _, errors) = await RunAsync("set-plan", "org_doesNotExist", "Pro");

        Assert.Equal(1, code);
        Assert.Contains("No organization with id 'org_doesNotExist'", errors);
    }

    [Fact]
    public async Task ConfirmUser_ConfirmsTheAddress_AndAudits()
    {
        var (org, _) = await Data.OrgWithOwnerAsync();
        var user = await Data.UserAsync(confirmed: false);
        await Data.AddMemberAsync(org, user, OrgRole.Member);

        var (code, output, _) = await RunAsync("confirm-user", (await Data.EmailOfAsync(user)).ToUpperInvariant());

        Assert.Equal(0, code);
        Assert.Contains("confirmed", output);
        Assert.True(await Data.WithDb(db => db.Users.Where(u => u.Id == user).Select(u => u.EmailConfirmed).SingleAsync()));
        Assert.Single(await EventsAsync(org, "user.confirmed"));
        Assert.Equal(1, (await RunAsync("confirm-user", "nobody@example.test")).Code);
    }

    [Fact]
    public async Task MakeOwner_RecoversAnOrganizationWhoseOwnersAreGone()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var member = await Data.UserAsync();
        var stranger = await Data.UserAsync();
        await Data.AddMemberAsync(org, member, OrgRole.Member);
        await Data.WithDb(db => db.Memberships.Where(m => m.UserId == owner).ExecuteDeleteAsync());

        Assert.Equal(0, (await RunAsync("make-owner", org, await Data.EmailOfAsync(member))).Code);
        Assert.Equal(0, (await RunAsync("make-owner", org, await Data.EmailOfAsync(stranger), "--force")).Code);

        Assert.Equal(OrgRole.Owner, await Data.WithDb(db => db.RoleOfAsync(org, member)));
        Assert.Equal(OrgRole.Owner, await Data.WithDb(db => db.RoleOfAsync(org, stranger)));
        Assert.Single(await EventsAsync(org, "member.role_changed"));
        Assert.Single(await EventsAsync(org, "member.added"));
        Assert.Equal(1, (await RunAsync("make-owner", org, "nobody@example.test")).Code);
        Assert.Equal(1, (await RunAsync("make-owner", "org_nope", await Data.EmailOfAsync(member))).Code);
    }

    [Fact]
    public async Task MakeOwner_RefusesWhereOwnersRemain_UnlessForced_AndRefusesUnconfirmedAccounts()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var stranger = await Data.UserAsync();
        var unconfirmed = await Data.UserAsync(confirmed: false);

        var refused = await RunAsync("make-owner", org, await Data.EmailOfAsync(stranger));
        var notConfirmed = await RunAsync("make-owner", org, await Data.EmailOfAsync(unconfirmed), "--force");

        Assert.Equal(1, refused.Code);
        Assert.Contains("--force", refused.Errors);
        Assert.Equal(1, notConfirmed.Code);
        Assert.Contains("has not confirmed", notConfirmed.Errors);
        Assert.Null(await Data.WithDb(db => db.RoleOfAsync(org, stranger)));
        Assert.Null(await Data.WithDb(db => db.RoleOfAsync(org, unconfirmed)));
        Assert.Empty(await EventsAsync(org, "member.added"));

        Assert.Equal(0, (await RunAsync("make-owner", org, await Data.EmailOfAsync(stranger), "--force")).Code);
        Assert.Equal(OrgRole.Owner, await Data.WithDb(db => db.RoleOfAsync(org, stranger)));
        Assert.Contains("\"forced\":true", Assert.Single(await EventsAsync(org, "member.added")).Details);
        Assert.Equal(OrgRole.Owner, await Data.WithDb(db => db.RoleOfAsync(org, owner)));
    }

    [Theory]
    [InlineData]
    [InlineData("frobnicate")]
    [InlineData("set-plan", "only-one-argument")]
    public async Task UnknownCommandsOrMissingArguments_Exit2_WithTheUsage(params string[] words)
    {
        var (code, _, errors) = await RunAsync(words);

        Assert.Equal(2, code);
        Assert.Contains("Usage: dotnet Questra.Web.dll admin", errors);
    }
}

public sealed class AdminCommandTestsOnSqlite(QuestraFactory factory) : AdminCommandTests(factory), IClassFixture<QuestraFactory>;

public sealed class AdminCommandTestsOnPostgres(PostgresFactory factory) : AdminCommandTests(factory), IClassFixture<PostgresFactory>;

/// <summary>The real command line: the built app, run as an operator would, exits without serving.</summary>
[Collection(AppProcessCollection.Name)]
public class AdminCommandProcessTests
{
    [Fact]
    public async Task TheBuiltApp_RunsACommandAndExits()
    {
        using var database = new SqliteTestDatabase(DatabaseFiles.NewPath("admin"), deleteOnDispose: true);

        var (code, output, errors) = await AppProcess.RunToEndAsync(database, "admin", "list-orgs");
        var (badCode, _, badErrors) = await AppProcess.RunToEndAsync(database, "admin", "set-plan", "org_nope", "Pro");

        Assert.True(code == 0, errors);
        Assert.Equal("", output.Trim()); // a fresh database: no organizations, and none of the host's log lines
        Assert.Equal(1, badCode);
        Assert.Contains("No organization with id 'org_nope'", badErrors);
    }
}
