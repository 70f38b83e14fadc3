using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features;

public class DevelopmentStartTests
{
    private static async Task<Organization> NewUsersOrg(QuestraFactory factory)
    {
        var user = await factory.Data.UserAsync();
        return await factory.Data.WithService<OrganizationService, Organization>(s => s.CreatePersonalOrganizationAsync(user, "ada"));
    }

    [Fact]
    public async Task InDevelopment_ANewUsersOrgIsPro_WithSampleSurveysTheApiReturns()
    {
        using var factory = new QuestraFactory { Environment = "Development" };
        var org = await NewUsersOrg(factory);
        var owner = await factory.Data.WithDb(db => db.Memberships.Where(m => m.OrganizationId == org.Id).SingleAsync());

        var (_, secret) = await factory.Data.KeyAsync(org.Id, owner.UserId);
        var surveys = JsonDocument.Parse(await factory.ApiClient(secret, org.Id).GetStringAsync("/api/surveys")).RootElement;

        Assert.Equal(Plan.Pro, org.Plan);
        Assert.Equal(OrgRole.Owner, owner.Role);
        Assert.Equal("ada's organization", org.Name);
        Assert.True(surveys.GetProperty("total").GetInt32() >= 3);
        Assert.Contains(surveys.GetProperty("data").EnumerateArray(), s => s.GetProperty("response_count").GetInt32() > 0);
    }

    [Fact]
    public async Task ByDefault_ANewUsersOrgIsFree_WithNoSampleData()
    {
        using var factory = new QuestraFactory();
        var org = await NewUsersOrg(factory);

        Assert.Equal(Plan.Free, org.Plan);
        Assert.Equal(0, await factory.Data.WithDb(db => db.Surveys.CountAsync(s => s.OrganizationId == org.Id)));
    }
}
