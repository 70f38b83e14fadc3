using Bunit;
using Questra.Web.Components.Pages.ApiKeys;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Tests.Components.ApiKeys;

[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public class CreateApiKeyFormTests : DashboardTestContext
{
    // The real time, to the minute: the component is handed "now" and shows dates relative to it.
    private static readonly DateTimeOffset Now = Infrastructure.TestClock.RealTimeToTheMinute();
    private readonly List<ApiKeyInput> submitted = [];
    private ServiceResult<CreatedApiKey> answer = ServiceError.Forbidden("not used");

    private IRenderedComponent<CreateApiKeyForm> RenderForm() =>
        Render<CreateApiKeyForm>(p => p
            .Add(f => f.Now, Now)
            .Add(f => f.OnSubmit, input => { submitted.Add(input); return Task.FromResult(answer); }));

    // Clicks the n-th radio button of a group, as a user does.
    private static void Choose(IRenderedComponent<CreateApiKeyForm> cut, string group, int index) =>
        cut.FindAll($"[data-testid={group}] input[type=radio]")[index].Click();

    [Fact]
    public void EmptyName_ShowsAnErrorAndSubmitsNothing()
    {
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Input("   ");

        cut.Find("[data-testid=api-key-create-submit]").Click();

        Assert.Equal("Name is required.", cut.Find("#name-error").TextContent.Trim());
        Assert.Empty(submitted);
    }

    [Fact]
    public void NameWithAHiddenCharacter_ShowsTheServicesOwnMessage_AndSubmitsNothing()
    {
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Input("Nightly\u202Eexport");

        cut.Find("[data-testid=api-key-create-submit]").Click();

        // The words ApiKeyInputRules gives the API's clients, not a second copy of the rule kept in the page.
        var problems = new Dictionary<string, string[]>();
        ApiKeyInputRules.ValidateName("Nightly\u202Eexport", problems);
        Assert.Equal(problems["name"][0], cut.Find("#name-error").TextContent.Trim());
        Assert.Contains("U+202E", cut.Find("#name-error").TextContent);
        Assert.Empty(submitted);
    }

    [Fact]
    public void CustomDateInThePast_ShowsAnErrorAndSubmitsNothing()
    {
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Input("Nightly");
        Choose(cut, "expiry-choice", 2);
        cut.Find("[data-testid=expiry-date]").Change(Now.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        cut.Find("[data-testid=api-key-create-submit]").Click();

        Assert.Equal("The expiry date must be in the future.", cut.Find("[data-testid=expiry-error]").TextContent);
        Assert.Empty(submitted);
    }

    [Fact]
    public void ValidForm_ByDefault_SubmitsTrimmedNameWithDataAccessAndNinetyDays()
    {
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Input("  Production API Key ");

        cut.Find("form").Submit();

        var input = Assert.Single(submitted);
        Assert.Equal("Production API Key", input.Name);
        Assert.Equal(ApiScopeNames.ToNames(ApiScopes.DataAccess), input.Scopes);
        Assert.Equal(Now.AddDays(90), input.ExpiresAt);
        Assert.Null(input.SurveyIds);
        Assert.Empty(cut.FindAll("[data-testid=never-warning]"));
    }

    [Fact]
    public void Never_ShowsAWarning_AndSubmitsNoExpiry()
    {
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Input("Forever");

        Choose(cut, "expiry-choice", 3);

        Assert.Contains("never expires", cut.Find("[data-testid=never-warning]").TextContent);
        cut.Find("form").Submit();
        Assert.Null(Assert.Single(submitted).ExpiresAt);
    }

    [Fact]
    public void CustomScopes_ShowASentenceEach_AndSubmitOnlyTheChosenOnes()
    {
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Input("Reader");
        Choose(cut, "scope-preset", 2);

        var sentences = cut.FindAll("[data-testid=custom-scopes] .scope-sentence").Select(s => s.TextContent).ToList();
        Assert.Equal(ApiScopeNames.AllNames.Count, sentences.Count);
        Assert.All(sentences, s => Assert.True(s.Length > 20, s));
        cut.Find("[data-testid=api-key-create-submit]").Click();
        Assert.Equal("Choose at least one scope.", cut.Find("[data-testid=scopes-error]").TextContent);

        var box = cut.Find($"[data-testid=custom-scopes] [data-scope='{ApiScopeNames.SurveysRead}']");
        (box.TagName == "INPUT" ? box : box.QuerySelector("input")!).Change(true);

        Assert.Empty(cut.FindAll("[data-testid=scopes-error]"));
        cut.Find("form").Submit();
        Assert.Equal([ApiScopeNames.SurveysRead], Assert.Single(submitted).Scopes);
    }

    [Fact]
    public void AnError_ClearsAsSoonAsTheFieldIsFixed_AndMarksTheFieldInvalidMeanwhile()
    {
        var cut = RenderForm();
        cut.Find("form").Submit();
        Assert.Equal("true", cut.Find("[data-testid=api-key-name]").GetAttribute("aria-invalid"));

        cut.Find("[data-testid=api-key-name]").Input("Fixed");

        Assert.Equal("false", cut.Find("[data-testid=api-key-name]").GetAttribute("aria-invalid"));
        Assert.DoesNotContain("Name is required.", cut.Markup);
        Assert.Empty(submitted);
    }

    [Fact]
    public void ACustomDate_MeansTheEndOfThatDayInUtc_AndTheFormSaysTheExactExpiryBeforeCreating()
    {
        var cut = RenderForm();
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Contains($"{Now.AddDays(90).ToString("yyyy-MM-dd HH:mm:ss", inv)} UTC", cut.Find("[data-testid=expiry-preview]").TextContent);
        cut.Find("[data-testid=api-key-name]").Input("Quarter end");
        Choose(cut, "expiry-choice", 2);
        var day = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(10);
        cut.Find("[data-testid=expiry-date]").Change(day.ToString("yyyy-MM-dd", inv));

        var preview = cut.Find("[data-testid=expiry-preview]").TextContent;
        Assert.Contains($"{day.ToString("yyyy-MM-dd", inv)} 23:59:59 UTC", preview);
        Assert.Contains("the end of that day in UTC", preview);
        cut.Find("[data-testid=api-key-create-submit]").Click();

        Assert.Equal(new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero), Assert.Single(submitted).ExpiresAt);
    }

    [Fact]
    public void ThirtyDays_ExpiresThirtyDaysFromNow()
    {
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Input("CI");
        Choose(cut, "expiry-choice", 0);

        cut.Find("[data-testid=api-key-create-submit]").Click();

        Assert.Equal(Now.AddDays(30), Assert.Single(submitted).ExpiresAt);
    }

    [Fact]
    public void RuleBrokenOnTheServer_IsShownAsTheFormsError()
    {
        answer = ServiceError.Forbidden("API keys are available on paid plans; this organization is on the Free plan.");
        var cut = RenderForm();
        cut.Find("[data-testid=api-key-name]").Input("k");

        cut.Find("[data-testid=api-key-create-submit]").Click();

        Assert.Contains("Free plan", cut.Find("[data-testid=form-error]").TextContent);
    }

    [Fact]
    public void UnderALifetimePolicy_OnlyChoicesWithinItAreOffered_AndTheAddressesGoWithTheInput()
    {
        var cut = Render<CreateApiKeyForm>(p => p
            .Add(f => f.Now, Now)
            .Add(f => f.Lifetime, new KeyLifetimePolicy(30, true))
            .Add(f => f.OnSubmit, input => { submitted.Add(input); return Task.FromResult(answer); }));

        Assert.Contains("at most 30 days", cut.Find("[data-testid=lifetime-policy-note]").TextContent);
        var choices = cut.Find("[data-testid=expiry-choice]").TextContent;
        Assert.Contains("30 days", choices);
        Assert.DoesNotContain("90 days", choices);
        Assert.DoesNotContain("Never", choices);

        cut.Find("[data-testid=api-key-name]").Input("Nightly");
        cut.Find("#api-key-allowed-ips").Change("203.0.113.7\n198.51.100.0/24, 2001:db8::/48");
        cut.Find("[data-testid=api-key-create-submit]").Click();

        var input = Assert.Single(submitted);
        Assert.Equal(Now.AddDays(30), input.ExpiresAt);
        Assert.Equal(["203.0.113.7", "198.51.100.0/24", "2001:db8::/48"], input.AllowedIps);
    }

    [Fact]
    public void RollForm_UnderALifetimePolicy_OffersOnlyExpiriesWithinIt()
    {
        var key = new ApiKey
        {
            Id = "ak_1", OrganizationId = "org_1", CreatedByUserId = "u", Name = "Forever", Prefix = "sk_live_Ab12",
            SecretHash = new byte[32], CreatedAt = Now.AddDays(-100),
        };
        var rolled = new List<RollOptions>();
        var cut = Render<RollApiKeyForm>(p => p
            .Add(f => f.Key, key)
            .Add(f => f.Now, Now)
            .Add(f => f.Lifetime, new KeyLifetimePolicy(30, true))
            .Add(f => f.OnSubmit, o => { rolled.Add(o); return Task.FromResult<ServiceResult<CreatedApiKey>>(ServiceError.Forbidden("not used")); }));

        var choices = cut.Find("[data-testid=roll-expiry]").TextContent;
        Assert.DoesNotContain("Same as now", choices);
        Assert.DoesNotContain("90 days", choices);
        Assert.DoesNotContain("Never", choices);
        Assert.Contains("at most 30 days", cut.Find("[data-testid=roll-policy-note]").TextContent);

        cut.Find("[data-testid=roll-submit]").Click();

        Assert.Equal(Now.AddDays(30), Assert.Single(rolled).NewExpiry!.ExpiresAt);
    }
}
