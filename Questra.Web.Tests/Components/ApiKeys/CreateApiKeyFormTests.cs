using Bunit;
using Questra.Web.Components.Pages.ApiKeys;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Common;

namespace Questra.Web.Tests.Components.ApiKeys;

public class CreateApiKeyFormTests : DashboardTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly List<ApiKeyInput> submitted = [];
    private ServiceResult<CreatedApiKey> answer = ServiceError.Forbidden("not used");

    private IRenderedComponent<CreateApiKeyForm> RenderForm() =>
        Render<CreateApiKeyForm>(p => p
            .Add(f => f.Now, Now)
            .Add(f => f.OnSubmit, input => { submitted.Add(input); return Task.FromResult(answer); }));

    [Fact]
    public void EmptyName_ShowsAnErrorAndSubmitsNothing()
    {
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Change("   ");

        cut.Find("[data-testid=api-key-create-submit]").Click();

        Assert.Equal("Name is required.", cut.Find("[data-testid=name-error]").TextContent);
        Assert.Empty(submitted);
    }

    [Fact]
    public void CustomDateInThePast_ShowsAnErrorAndSubmitsNothing()
    {
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Change("Nightly");
        cut.FindAll("[data-testid=expiry-choice] .rz-radiobutton-box")[3].Click();
        cut.Find("[data-testid=expiry-date] input").Change(Now.AddDays(-3).ToString("yyyy-MM-dd"));

        cut.Find("[data-testid=api-key-create-submit]").Click();

        Assert.Equal("The expiry date must be in the future.", cut.Find("[data-testid=expiry-error]").TextContent);
        Assert.Empty(submitted);
    }

    [Fact]
    public void ValidForm_SubmitsTrimmedNameWithFullAccessAndNoExpiry()
    {
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Change("  Production API Key ");

        cut.Find("[data-testid=api-key-create-submit]").Click();

        var input = Assert.Single(submitted);
        Assert.Equal("Production API Key", input.Name);
        Assert.Equal(ApiScopeNames.ToNames(ApiScopes.FullAccess), input.Scopes);
        Assert.Null(input.ExpiresAt);
        Assert.Null(input.SurveyIds);
    }

    [Fact]
    public void ThirtyDays_ExpiresThirtyDaysFromNow()
    {
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Change("CI");
        cut.FindAll("[data-testid=expiry-choice] .rz-radiobutton-box")[1].Click();

        cut.Find("[data-testid=api-key-create-submit]").Click();

        Assert.Equal(Now.AddDays(30), Assert.Single(submitted).ExpiresAt);
    }

    [Fact]
    public void RuleBrokenOnTheServer_IsShownAsTheFormsError()
    {
        answer = ServiceError.Forbidden("API keys are available on paid plans; this organization is on the Free plan.");
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Change("k");

        cut.Find("[data-testid=api-key-create-submit]").Click();

        Assert.Contains("Free plan", cut.Find("[data-testid=form-error]").TextContent);
    }
}
