using Questra.Web.Features.Webhooks;
using Questra.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Questra.Web.Tests.EndToEnd;

/// <summary>Settings → Webhooks as an admin uses it: add an endpoint, see its secret once, send a test event, see it delivered.</summary>
public sealed class WebhookBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private readonly BrowserSteps steps = new(host);

    [BrowserFact]
    public async Task AnAdmin_AddsAnEndpoint_SeesTheSecretOnce_SendsATestEvent_AndSeesItDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, email, sharedKey, _) = await steps.EnrolledOwnerAsync("hooks");
        var page = await host.NewPageAsync();
        await steps.LogInWithCodeAsync(page, email, sharedKey);
        await BrowserSteps.GotoInteractiveAsync(page, "/settings/webhooks");
        await Expect(page.GetByTestId("webhooks-empty")).ToBeVisibleAsync();

        await page.GetByTestId("add-webhook").ClickAsync();
        await page.Locator("#webhook-url").FillAsync("https://10.0.0.1/hook");
        await page.GetByTestId("webhook-save").ClickAsync();
        await Expect(page.GetByTestId("webhook-form")).ToContainTextAsync("10.0.0.1 is a private or reserved address");
        await page.Locator("#webhook-url").FillAsync(receiver.Url);
        var refusals = page.GetByRole(Microsoft.Playwright.AriaRole.Checkbox, new() { Name = "api_key.address_refused" });
        await Expect(refusals).ToBeCheckedAsync(); // every event is chosen to begin with
        await refusals.UncheckAsync();
        await page.GetByTestId("webhook-save").ClickAsync();

        var secretBox = page.GetByTestId("webhook-secret");
        await Expect(secretBox).ToContainTextAsync(WebhookSigning.SecretPrefix);
        var secret = (await secretBox.TextContentAsync())!.Trim();
        await BrowserHost.ScreenshotAsync(page, "95-webhook-secret-once");
        await page.GetByTestId("webhook-secret-done").ClickAsync();
        await Expect(page.GetByTestId("webhook-secret-panel")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync());

        var row = page.GetByTestId("webhook-row");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByTestId("webhook-status")).ToHaveTextAsync("Enabled");
        await Expect(row).Not.ToContainTextAsync("api_key.address_refused");
        await row.GetByTestId("webhook-test").ClickAsync();
        var delivery = row.GetByTestId("delivery-row");
        await Expect(delivery).ToHaveAttributeAsync("data-state", "delivered");
        await Expect(delivery.GetByTestId("delivery-answer")).ToContainTextAsync("204");
        var attempts = delivery.GetByTestId("delivery-attempts");
        await attempts.Locator("summary").ClickAsync(); // each attempt: when, the answer's status, how long it took
        await Expect(attempts.GetByTestId("delivery-attempt")).ToHaveCountAsync(1);
        await Expect(attempts.GetByTestId("delivery-attempt")).ToContainTextAsync(" ms");
        await BrowserHost.ScreenshotAsync(page, "96-webhook-delivered");

        var received = Assert.Single(receiver.All);
        Assert.Equal(WebhookEventTypes.Test, received.Type);
        Assert.True(WebhookReceiver.Verifies(secret, received));
        Assert.Equal(received.Id, await delivery.GetAttributeAsync("data-message-id"));
        host.AssertNoCspViolations();
    }
}
