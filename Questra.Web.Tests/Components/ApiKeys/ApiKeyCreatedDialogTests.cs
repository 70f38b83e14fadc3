using Bunit;
using Questra.Web.Components.Pages.ApiKeys;

namespace Questra.Web.Tests.Components.ApiKeys;

[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public class ApiKeyCreatedDialogTests : DashboardTestContext
{
    [Fact]
    public void ShowsTheSecretOnce_AndDoneClearsItFromTheComponent()
    {
        const string secret = "sk_live_0123456789abcdefghijABCDEFGHIJ0123456789xyzAB1c2D3";
        var done = 0;
        var cut = Render<ApiKeyCreatedDialog>(p => p
            .Add(d => d.Name, "Production API Key")
            .Add(d => d.Secret, secret)
            .Add(d => d.OnDone, () => done++));

        Assert.Equal(secret, cut.Find("[data-testid=api-key-secret]").TextContent);
        Assert.Contains("shown only once", cut.Markup);

        cut.Find("button[data-testid=api-key-done]").Click();

        Assert.Equal(1, done);
        Assert.DoesNotContain(secret, cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=api-key-secret]"));
        Assert.Null(cut.Instance.Secret);
    }

    [Theory]
    [InlineData(ApiScopes.DataAccess, "/api/surveys")]
    [InlineData(ApiScopes.ResponsesRead, "/api/surveys/sv_first/metrics/responses")]
    [InlineData(ApiScopes.ApiKeysRead | ApiScopes.ApiKeysWrite, "/api/api-keys")]
    public void TryIt_CallsWhatTheKeysScopesAllow_AndOffersALineWithoutTheSecret(ApiScopes scopes, string path)
    {
        const string secret = "sk_live_0123456789abcdefghijABCDEFGHIJ0123456789xyzAB1c2D3";
        var cut = Render<ApiKeyCreatedDialog>(p => p
            .Add(d => d.Name, "Nightly")
            .Add(d => d.Secret, secret)
            .Add(d => d.OrgId, "org_1")
            .Add(d => d.ApiBase, "https://questra.example/")
            .Add(d => d.Path, ApiKeyCreatedDialog.TryPath(scopes, ["sv_first"])));

        Assert.EndsWith($"https://questra.example{path}", cut.Find("[data-testid=api-key-curl]").TextContent);
        var fromVariable = cut.Find("[data-testid=api-key-curl-env]").TextContent;
        Assert.StartsWith("read -rs QUESTRA_KEY", fromVariable);
        Assert.Contains("Bearer $QUESTRA_KEY", fromVariable);
        Assert.EndsWith(path, fromVariable);
        Assert.DoesNotContain(secret, fromVariable);
    }

    [Fact]
    public void TryIt_ForAKeyThatCanOnlyMakeKeys_OffersNoCall()
    {
        Assert.Null(ApiKeyCreatedDialog.TryPath(ApiScopes.ApiKeysWrite, null));
        Assert.Equal("/api/surveys/SURVEY_ID/metrics/responses", ApiKeyCreatedDialog.TryPath(ApiScopes.ResponsesRead, null));

        var cut = Render<ApiKeyCreatedDialog>(p => p.Add(d => d.Name, "Maker").Add(d => d.Secret, "sk_live_x").Add(d => d.Path, null));

        Assert.Empty(cut.FindAll("[data-testid=api-key-curl]"));
        Assert.Contains("no harmless call", cut.Find("[data-testid=api-key-curl-none]").TextContent);
    }
}
