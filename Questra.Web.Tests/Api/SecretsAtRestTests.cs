using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

public abstract class SecretsAtRestTests(QuestraFactory factory)
{
    [Fact]
    public async Task AfterCreatingUsingAndRollingKeys_NoSecretIsInTheDatabaseFilesOrTheLogs()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (firstId, first) = await factory.Data.KeyAsync(org, owner);
        var client = factory.ApiClient(first, org);
        var created = await (await client.PostAsJsonAsync("/api/api-keys", new { name = "via api" })).Content.ReadFromJsonAsync<JsonElement>();
        var second = created.GetProperty("secret").GetString()!;
        var rolled = await (await client.PostAsync($"/api/api-keys/{firstId}/roll", null)).Content.ReadFromJsonAsync<JsonElement>();
        var third = rolled.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(second, org).GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(third, org).GetAsync("/api/surveys")).StatusCode);
        await factory.Services.GetRequiredService<UsageRecorder>().FlushAsync();

        var stored = await factory.Database.ReadAllStoredTextAsync();
        var logs = string.Join('\n', factory.Logs.Lines);

        Assert.Contains(first[..12], stored); // the display prefix is stored, and the search does find text in these files
        foreach (var secret in new[] { first, second, third })
        {
            var randomPart = secret[12..];
            Assert.DoesNotContain(randomPart, stored);
            Assert.DoesNotContain(randomPart, logs);
        }
    }

    [Fact]
    public async Task TheAuthenticatorsSharedKey_IsNotInTheDatabaseFilesInClear()
    {
        var (_, email, key) = await factory.Data.EnrolledUserAsync();
        var base32 = OtpNet.Base32Encoding.ToString(key);

        var stored = await factory.Database.ReadAllStoredTextAsync();

        Assert.Contains(email, stored); // the search does find the user's own row
        Assert.DoesNotContain(base32, stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(base32[..16], stored, StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class SecretsAtRestTestsOnSqlite(QuestraFactory factory) : SecretsAtRestTests(factory), IClassFixture<QuestraFactory>;

public sealed class SecretsAtRestTestsOnPostgres(PostgresFactory factory) : SecretsAtRestTests(factory), IClassFixture<PostgresFactory>;
