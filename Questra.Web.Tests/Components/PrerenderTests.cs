using System.Net;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Components;

/// <summary>
/// A dashboard page is prerendered (the layout and the page's loading state arrive with the first response) and
/// reads its data once, when the live circuit renders it: the prerendered HTML holds none of it.
/// </summary>
public class PrerenderTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    [Fact]
    public async Task ThePrerenderedPage_ShowsTheFrameAndItsLoadingState_NotData()
    {
        var (id, email, key) = await factory.Data.EnrolledUserAsync();
        var org = await factory.Data.OrgAsync();
        await factory.Data.AddMemberAsync(org, id, OrgRole.Owner);
        await factory.Data.SelectOrganizationAsync(id, org);
        await factory.Data.KeyAsync(org, id, name: "prerender-probe");
        var browser = FormClient.For(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LogInAsync(email, TestData.Password, code: () => factory.NextAuthenticatorCode(key))).StatusCode);

        var page = await browser.Http.GetAsync("/settings/api-keys");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Loading keys", html);
        Assert.Contains("Main navigation", html); // the layout is there
        Assert.DoesNotContain("prerender-probe", html);
    }
}
