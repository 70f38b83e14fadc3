using Bunit;
using Questra.Web.Components.Pages.ApiKeys;

namespace Questra.Web.Tests.Components.ApiKeys;

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
}
