using System.Globalization;
using System.Net;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>Machine signals on every answer to a key: when it expires, and during a roll's grace period that it is replaced and when it stops.</summary>
public abstract class KeyHeadersTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task AKeyWithAnExpiry_SaysWhen_OnEveryAnswer_ErrorsIncluded()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var expires = new DateTimeOffset(factory.Clock.GetUtcNow().UtcDateTime.Date.AddDays(20).AddHours(9).AddMinutes(30), TimeSpan.Zero);
        var (_, secret) = await Data.KeyAsync(org, owner, expiresAt: expires);
        var client = factory.ApiClient(secret, org);

        var ok = await client.GetAsync("/api/surveys");
        var notFound = await client.GetAsync("/api/surveys/sv_doesnotexist000000");
        var cached = await client.GetAsync("/api/surveys");

        foreach (var response in new[] { ok, notFound, cached })
        {
            Assert.Equal(expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), Header(response, "Questra-Key-Expires"));
            Assert.Null(Header(response, "Deprecation"));
            Assert.Null(Header(response, "Sunset"));
        }
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
    }

    [Fact]
    public async Task AKeyThatNeverExpires_CarriesNoExpiryHeader()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner);

        var response = await factory.ApiClient(secret, org).GetAsync("/api/surveys");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, "Questra-Key-Expires"));
        Assert.Null(Header(response, "Deprecation"));
    }

    [Fact]
    public async Task ARolledKey_InItsGracePeriod_AnnouncesItsEnd_AndItsReplacementDoesNot()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (id, secret) = await Data.KeyAsync(org, owner);
        var oldClient = factory.ApiClient(secret, org);
        Assert.Null(Header(await oldClient.GetAsync("/api/surveys"), "Deprecation")); // cached before the roll

        var rolled = await Problem.JsonAsync(await oldClient.PostAsync($"/api/api-keys/{id}/roll",
            new StringContent("""{"grace_period_hours":24}""", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.Created);
        var rolledAt = rolled.GetProperty("created_at").GetDateTimeOffset();
        var graceEnd = await Data.WithDb(db => Task.FromResult(db.ApiKeys.Where(k => k.Id == id).Select(k => k.ExpiresAt).Single()!.Value));

        var answer = await oldClient.GetAsync("/api/surveys");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("@" + rolledAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Header(answer, "Deprecation"));
        Assert.Equal(graceEnd.UtcDateTime.ToString("R", CultureInfo.InvariantCulture), Header(answer, "Sunset"));
        Assert.Equal(graceEnd.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), Header(answer, "Questra-Key-Expires"));
        Assert.Equal($"</settings/api-keys/{id}>; rel=\"deprecation\"; type=\"text/html\"", Header(answer, "Link"));

        var replacement = await factory.ApiClient(rolled.GetProperty("secret").GetString()!, org).GetAsync("/api/surveys");
        Assert.Null(Header(replacement, "Deprecation"));
        Assert.Null(Header(replacement, "Sunset"));
        Assert.Null(Header(replacement, "Questra-Key-Expires"));
    }
}

public sealed class KeyHeadersTestsOnSqlite(QuestraFactory factory) : KeyHeadersTests(factory), IClassFixture<QuestraFactory>;

public sealed class KeyHeadersTestsOnPostgres(PostgresFactory factory) : KeyHeadersTests(factory), IClassFixture<PostgresFactory>;
