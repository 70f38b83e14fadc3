using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Organizations;

public abstract class CurrentOrganizationTests(QuestraFactory factory)
{
    private sealed class SignedIn(string userId) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "test"))));
    }

    private CurrentOrganization For(string userId) => new(new SignedIn(userId), factory.Services.GetRequiredService<ScopedRunner>());

    [Fact]
    public async Task Switch_RemembersTheChoice_AcrossCircuits_WithTheRoleThere()
    {
        var (first, user) = await factory.Data.OrgWithOwnerAsync();
        var second = await factory.Data.OrgAsync();
        await factory.Data.AddMemberAsync(second, user, OrgRole.Member);

        var before = await For(user).GetAsync();
        await For(user).SwitchAsync(before!.OrganizationId == first ? second : first);
        var after = await For(user).GetAsync();

        Assert.Equal(2, after!.Memberships.Count);
        Assert.NotEqual(before.OrganizationId, after.OrganizationId);
        Assert.Equal(after.OrganizationId == first ? OrgRole.Owner : OrgRole.Member, after.Role);
    }

    [Fact]
    public async Task Switch_ToAnOrgTheUserIsNotIn_IsIgnored()
    {
        var (org, user) = await factory.Data.OrgWithOwnerAsync();
        var (foreign, _) = await factory.Data.OrgWithOwnerAsync();

        await For(user).SwitchAsync(foreign);

        Assert.Equal(org, (await For(user).GetAsync())!.OrganizationId);
    }

    [Fact]
    public async Task UserInNoOrganization_HasNoContext()
    {
        var user = await factory.Data.UserAsync();

        Assert.Null(await For(user).GetAsync());
    }
}

public sealed class CurrentOrganizationTestsOnSqlite(QuestraFactory factory) : CurrentOrganizationTests(factory), IClassFixture<QuestraFactory>;

public sealed class CurrentOrganizationTestsOnPostgres(PostgresFactory factory) : CurrentOrganizationTests(factory), IClassFixture<PostgresFactory>;
