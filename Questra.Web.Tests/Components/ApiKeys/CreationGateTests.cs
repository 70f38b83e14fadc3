using Bunit;
using Questra.Web.Components.Pages.ApiKeys;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Tests.Components.ApiKeys;

[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public class CreationGateTests : DashboardTestContext
{
    [Theory]
    [InlineData(false, Plan.Pro, ApiKeyCreationPolicy.AllMembers, OrgRole.Owner, "Set up two-factor authentication", "/Account/Manage/EnableAuthenticator")]
    [InlineData(true, Plan.Free, ApiKeyCreationPolicy.AllMembers, OrgRole.Owner, "API keys need a paid plan", null)]
    [InlineData(true, Plan.Pro, ApiKeyCreationPolicy.Disabled, OrgRole.Owner, "API key creation is turned off", "/settings")]
    [InlineData(true, Plan.Pro, ApiKeyCreationPolicy.Disabled, OrgRole.Member, "API key creation is turned off", null)]
    [InlineData(true, Plan.Pro, ApiKeyCreationPolicy.OwnersAndAdmins, OrgRole.Member, "Only owners and admins can create keys here", null)]
    public void Block_ExplainsItself_AndLinksOnlyToAPageWhereThisUserCanFixIt(bool mfa, Plan plan, ApiKeyCreationPolicy policy, OrgRole role, string heading, string? fix)
    {
        var eligibility = CreationEligibility.Evaluate(true, mfa, plan, policy, role);

        var cut = Render<CreationGate>(p => p.Add(g => g.Eligibility, eligibility));

        Assert.Equal(heading, cut.Find("h2").TextContent);
        Assert.Contains(eligibility.Message, cut.Markup);
        Assert.Equal(fix, cut.FindAll("[data-testid=creation-gate-fix]").SingleOrDefault()?.GetAttribute("href"));
    }

    [Fact]
    public void EveryBlocker_IsListedAtOnce_WithTheOwnersAndAdminsToAsk()
    {
        var eligibility = CreationEligibility.Evaluate(false, false, Plan.Free, ApiKeyCreationPolicy.OwnersAndAdmins, OrgRole.Member)
            with
        { AskWhom = ["ada@example.test (owner)", "bob@example.test (admin)"] };

        var cut = Render<CreationGate>(p => p.Add(g => g.Eligibility, eligibility));

        Assert.Equal(["EmailNotConfirmed", "MfaRequired", "FreePlan", "RoleNotAllowed"],
            cut.FindAll("[data-testid=creation-blocker]").Select(b => b.GetAttribute("data-block")));
        Assert.Equal(["/Account/ResendEmailConfirmation", "/Account/Manage/EnableAuthenticator"],
            cut.FindAll("[data-testid=creation-gate-fix]").Select(a => a.GetAttribute("href")));
        Assert.Contains("ada@example.test (owner), bob@example.test (admin)", cut.Find("[data-testid=creation-gate-ask]").TextContent);
        Assert.StartsWith("4 things", cut.Find("h2").TextContent);
    }

    [Theory]
    [InlineData(OrgRole.Owner, true)]
    [InlineData(OrgRole.Admin, false)]
    [InlineData(OrgRole.Member, false)]
    public void FreePlan_ShowsTheOperatorsExactCommand_ToOwnersOnly(OrgRole role, bool shown)
    {
        var eligibility = CreationEligibility.Evaluate(true, true, Plan.Free, ApiKeyCreationPolicy.AllMembers, role);

        var cut = Render<CreationGate>(p => p.Add(g => g.Eligibility, eligibility).Add(g => g.OrganizationId, "org_abc"));

        var found = cut.FindAll("[data-testid=operator-command] code");
        var command = found.Count > 0 ? found[0].TextContent : null;
        Assert.Equal(shown ? "dotnet Questra.Web.dll admin set-plan org_abc Pro" : null, command);
        if (shown) Assert.Contains("Organizations:DefaultPlan", cut.Find("[data-testid=operator-command]").TextContent);
    }

    [Fact]
    public void Allowed_RendersNothing()
    {
        var cut = Render<CreationGate>(p => p.Add(g => g.Eligibility, CreationEligibility.Ok));

        cut.MarkupMatches("");
    }
}
