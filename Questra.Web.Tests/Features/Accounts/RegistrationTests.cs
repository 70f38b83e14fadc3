using System.Net;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>Registration writes the account and the organization it starts with together, or neither.</summary>
public class RegistrationTests(QuestraFactory factory) : IClassFixture<QuestraFactory>
{
    private const string Password = "Correct-horse-battery-9";

    private Task<HttpResponseMessage> RegisterAsync(string email) =>
        FormClient.For(factory).PostFormAsync("/Account/Register", "register",
            new() { ["Input.Email"] = email, ["Input.Password"] = Password, ["Input.ConfirmPassword"] = Password });

    [Fact]
    public async Task ANewAddress_GetsAnAccount_AndAnOrganizationItOwns()
    {
        var email = $"new-{Guid.NewGuid():N}@example.com";

        Assert.Equal(HttpStatusCode.Redirect, (await RegisterAsync(email)).StatusCode);

        var owned = await factory.Data.WithDb(db => db.Memberships.Where(m => db.Users.Any(u => u.Id == m.UserId && u.Email == email)).CountAsync());
        Assert.Equal(1, owned);
    }

    [Fact]
    public async Task WhenTheOrganizationCannotBeWritten_NoAccountIsLeftWithout()
    {
        var email = $"half-{Guid.NewGuid():N}@example.com";
        // The database refuses the organization's row (as a full disk or a lost connection would, after the
        // account's row was written in the same request).
        await factory.Data.WithDb(db => db.Database.ExecuteSqlRawAsync(
            "CREATE TRIGGER refuse_organizations BEFORE INSERT ON Organizations BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"));
        try
        {
            var answer = await RegisterAsync(email);
            Assert.NotEqual(HttpStatusCode.Redirect, answer.StatusCode);
        }
        finally
        {
            await factory.Data.WithDb(db => db.Database.ExecuteSqlRawAsync("DROP TRIGGER refuse_organizations"));
        }

        Assert.False(await factory.Data.WithDb(db => db.Users.AnyAsync(u => u.Email == email)), "an account was left without its organization");
        // And the address can register once the database takes writes again.
        Assert.Equal(HttpStatusCode.Redirect, (await RegisterAsync(email)).StatusCode);
        Assert.True(await factory.Data.WithDb(db => db.Users.AnyAsync(u => u.Email == email)));
    }
}
