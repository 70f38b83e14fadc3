using System.Net;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>A mailed link with its code mangled (cut short, retyped, tampered with) is a clear 4xx page, never an error.</summary>
public class LinkCodeTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    public static TheoryData<string> MangledCodes => ["a", "!!!", "%E2%80%AE", "Zm9v" + new string('=', 9), new string('A', 5000)];

    [Theory]
    [MemberData(nameof(MangledCodes))]
    public async Task AMangledCode_AnswersThatTheLinkIsInvalid_AndLogsNoError(string code)
    {
        var userId = await factory.Data.UserAsync(confirmed: false);
        var client = FormClient.For(factory).Http;
        var errorsBefore = factory.Logs.Lines.Count(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));

        var confirm = await client.GetAsync($"/Account/ConfirmEmail?userId={userId}&code={code}");
        var change = await client.GetAsync($"/Account/ConfirmEmailChange?userId={userId}&email=new%40example.test&code={code}");
        var reset = await client.GetAsync($"/Account/ResetPassword?code={code}");

        Assert.Equal(HttpStatusCode.BadRequest, confirm.StatusCode);
        Assert.Contains("This link is invalid or has expired", await confirm.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, change.StatusCode);
        Assert.Contains("This link is invalid or has expired", await change.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.EndsWith("/Account/InvalidPasswordReset", reset.Headers.Location!.OriginalString);
        Assert.Contains("This link is invalid or has expired", await client.GetStringAsync("/Account/InvalidPasswordReset"));
        Assert.Equal(errorsBefore, factory.Logs.Lines.Count(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)));
        Assert.False(await factory.Data.WithDb(db => Task.FromResult(db.Users.Single(u => u.Id == userId).EmailConfirmed)));
    }
}
