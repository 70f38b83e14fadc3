using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Questra.Web.Data;
using Questra.Web.Features.Mfa;
using static Microsoft.Playwright.Assertions;

namespace Questra.Web.Tests.EndToEnd;

/// <summary>What the browser tests do again and again: sign up, sign in (with a code), open a live dashboard page.</summary>
public sealed class BrowserSteps(BrowserHost host)
{
    public const string Password = "Correct-Horse-9-battery";

    public string CurrentCode(string sharedKey, int stepsAhead = 0) =>
        AuthenticatorCodes.Compute(AuthenticatorCodes.DecodeKey(sharedKey)!, host.Factory.Clock.GetUtcNow().AddSeconds(AuthenticatorCodes.StepSeconds * stepsAhead));

    /// <summary>Opens a dashboard page and waits until its circuit is live, so clicks reach the server.</summary>
    public static async Task GotoInteractiveAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await WaitInteractiveAsync(page);
    }

    /// <summary>
    /// Confirms the open destructive-action dialog. When it never shows, the failure carries the page's and the
    /// server's state (a lost click, a broken circuit and a stuck service call look alike from the outside).
    /// </summary>
    public async Task ConfirmAsync(IPage page)
    {
        try
        {
            await page.GetByTestId("confirm-ok").ClickAsync();
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"The confirm dialog did not show.{Environment.NewLine}{await host.DescribeAsync(page)}", e);
        }
    }

    public static Task WaitInteractiveAsync(IPage page) =>
        page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public static async Task RegisterAndConfirmAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/Register");
        await SubmitRegistrationAsync(page, email, beforeSending: () => BrowserHost.ScreenshotAsync(page, "01-register"));
        await page.GetByText("Click here to confirm your account").ClickAsync();
        await Expect(page.GetByText("Thank you for confirming your email")).ToBeVisibleAsync();
    }

    /// <summary>Fills the registration form on the page with the address and a password (the tests' own by default), and sends it.</summary>
    public static async Task SubmitRegistrationAsync(IPage page, string email, string password = Password, Func<Task>? beforeSending = null)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm Password").FillAsync(password);
        if (beforeSending is not null) await beforeSending();
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
    }

    public static async Task LogInAsync(IPage page, string email, string password = Password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await BrowserHost.ScreenshotAsync(page, "02-login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
    }

    /// <summary>A confirmed user with two-factor on and an organization of their own; returns the shared key.</summary>
    public async Task<(string UserId, string Email, string SharedKey, string OrgId)> EnrolledOwnerAsync(string name)
    {
        var email = $"{name}-{Guid.NewGuid():N}@example.test";
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        var orgId = (await scope.ServiceProvider.GetRequiredService<Questra.Web.Features.Organizations.OrganizationService>()
            .CreatePersonalOrganizationAsync(user.Id, name)).Id;
        var mfa = scope.ServiceProvider.GetRequiredService<MfaService>();
        var sharedKey = (await mfa.GetEnrollmentAsync(user))!.SharedKey;
        await mfa.EnableAsync(user, CurrentCode(sharedKey), "127.0.0.1");
        return (user.Id, email, sharedKey, orgId);
    }

    /// <summary>A confirmed owner with two-factor on, their own organization, and one key made in the dashboard.</summary>
    public async Task<(string Email, string SharedKey, string OrgId, string KeyId, string Secret)> OwnerWithKeyAsync(
        string name, string keyName, string[]? scopes)
    {
        var (userId, email, sharedKey, orgId) = await EnrolledOwnerAsync(name);
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<Questra.Web.Features.ApiKeys.ApiKeyService>();
        var caller = new Questra.Web.Features.Common.Caller(userId, "127.0.0.1");
        var created = await keys.CreateAsync(orgId, caller, new(keyName, null, scopes, null));
        await keys.ConfirmSecretSavedAsync(orgId, caller, created.Value!.Key.Id); // as Done in the dialog does
        return (email, sharedKey, orgId, created.Value!.Key.Id, created.Value.Secret);
    }

    /// <summary>Signs in with the password and the next authenticator code (the enrolment used the current one).</summary>
    public async Task LogInWithCodeAsync(IPage page, string email, string sharedKey)
    {
        host.Factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await LogInAsync(page, email);
        await page.GetByLabel("Authenticator code").FillAsync(CurrentCode(sharedKey));
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Surveys" })).ToBeVisibleAsync();
    }
}
