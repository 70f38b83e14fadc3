using Bunit;
using Questra.Web.Components.Pages.ApiKeys;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Tests.Components.ApiKeys;

public class CreationGateTests : DashboardTestContext
{
    [Theory]
    [InlineData(false, Plan.Pro, ApiKeyCreationPolicy.AllMembers, OrgRole.Owner, "Set up two-factor authentication", "/Account/Manage/EnableAuthenticator")]
    [InlineData(true, Plan.Free, ApiKeyCreationPolicy.AllMembers, OrgRole.Owner, "API keys need a paid plan", "/settings")]
    [InlineData(true, Plan.Pro, ApiKeyCreationPolicy.Disabled, OrgRole.Owner, "API key creation is turned off", "/settings")]
    [InlineData(true, Plan.Pro, ApiKeyCreationPolicy.OwnersAndAdmins, OrgRole.Member, "Only owners and admins can create keys here", "/settings")]
    public void Block_ExplainsItself_AndLinksToTheFix(bool mfa, Plan plan, ApiKeyCreationPolicy policy, OrgRole role, string heading, string fix)
    {
        var eligibility = CreationEligibility.Evaluate(true, mfa, plan, policy, role);

        var cut = Render<CreationGate>(p => p.Add(g => g.Eligibility, eligibility));

        Assert.Equal(heading, cut.Find("h2").TextContent);
        Assert.Contains(eligibility.Message, cut.Markup);
        Assert.Equal(fix, cut.Find("[data-testid=creation-gate-fix]").GetAttribute("href"));
    }

    [Fact]
    public void Allowed_RendersNothing()
    {
        var cut = Render<CreationGate>(p => p.Add(g => g.Eligibility, CreationEligibility.Ok));

        cut.MarkupMatches("");
    }
}
