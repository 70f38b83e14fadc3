using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>A world to throw bad requests at: an org with an owner key, a survey, and a second org.</summary>
public class BadInputWorld : QuestraFactory, IAsyncLifetime
{
    public BadInputWorld() : this(new SqliteTestDatabase(DatabaseFiles.NewPath("bad-input"), deleteOnDispose: true)) { }

    protected BadInputWorld(TestDatabase database) : base(database) { }

    public string OrgId { get; private set; } = "";
    public string OtherOrgId { get; private set; } = "";
    public string Secret { get; private set; } = "";
    public string KeyId { get; private set; } = "";
    public string SurveyId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        string owner;
        (OrgId, owner) = await Data.OrgWithOwnerAsync();
        (OtherOrgId, _) = await Data.OrgWithOwnerAsync();
        SurveyId = await Data.SurveyAsync(OrgId, owner, "Survey", (DateTimeOffset.UtcNow, true));
        (KeyId, Secret) = await Data.KeyAsync(OrgId, owner);
        await Data.KeyAsync(OrgId, owner, name: "second");
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    /// <summary>Everything the bad requests must leave alone, as one comparable text.</summary>
    public Task<string> DumpAsync() => Data.WithDb(async db => JsonSerializer.Serialize(new
    {
        orgs = await db.Organizations.OrderBy(o => o.Id).Select(o => new { o.Id, o.Name, o.Plan, o.ApiKeyCreation }).ToListAsync(),
        members = await db.Memberships.OrderBy(m => m.OrganizationId).ThenBy(m => m.UserId).Select(m => new { m.OrganizationId, m.UserId, m.Role }).ToListAsync(),
        surveys = await db.Surveys.OrderBy(s => s.Id).Select(s => new { s.Id, s.Title, s.Status, s.OwnerUserId }).ToListAsync(),
        keys = (await db.ApiKeys.OrderBy(k => k.Id).ToListAsync())
            .Select(k => new { k.Id, k.Name, k.Scopes, k.SurveyRestriction, k.ExpiresAt, k.RevokedAt, k.ReplacedByKeyId, Hash = Convert.ToHexString(k.SecretHash) }),
        deleted = await db.DeletedApiKeys.CountAsync(),
    }));
}

/// <summary>
/// Hundreds of malformed requests: each must answer 4xx with problem+json — never 5xx — and change nothing stored.
/// </summary>
public abstract class BadInputTests(BadInputWorld world)
{
    public sealed record Case(string Name, string Method, string Path, string? Authorization, string? OrgHeader, string? Body,
        byte[]? RawBody = null, string ContentType = "application/json", string[]? ExtraAuthorization = null, string[]? ExtraOrg = null)
    {
        public override string ToString() => Name;
    }

    private const string Valid = "{valid}";
    private const string Org = "{org}";
    private const string OtherOrg = "{other}";

    private static readonly (string Method, string Path, string? Body)[] Endpoints =
    [
        ("GET", "/api/surveys", null),
        ("GET", "/api/surveys/{survey}", null),
        ("GET", "/api/surveys/{survey}/metrics/responses", null),
        ("GET", "/api/api-keys", null),
        ("GET", "/api/api-keys/{key}", null),
        ("POST", "/api/api-keys", """{"name":"x"}"""),
        ("POST", "/api/api-keys/{key}/revoke", null),
        ("POST", "/api/api-keys/{key}/roll", null),
        ("DELETE", "/api/api-keys/{key}", null),
    ];

    private static string WrongChecksum()
    {
        var secret = ApiKeySecret.Generate();
        return secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A');
    }

    private static IEnumerable<Case> AuthorizationCases()
    {
        var shape = ApiKeySecret.Generate();
        string?[] headers =
        [
            null, "", " ", "Bearer", "Bearer ", "Bearer    ", "bearer", "Basic dXNlcjpwYXNz", "Digest username=x", "Token abc",
            "Bearer " + new string('a', 64 * 1024), "Bearer \u0001\u0002", "Bearer sk_live_\u00e9\u00e9\u00e9", "Bearer sk_live_" + new string('\u4e2d', 46),
            "Bearer sk_live_", "Bearer sk_live_abc", "Bearer " + shape[..^1], "Bearer " + shape + "x", "Bearer " + WrongChecksum(),
            "Bearer " + WrongChecksum(), "Bearer sk_test_" + shape[8..], "Bearer " + shape.Replace("sk_live_", "SK_LIVE_"),
            "Bearer " + shape[..20] + "-" + shape[21..], "Bearer ' OR 1=1 --", "Bearer ../../etc/passwd", "Bearer null",
        ];
        foreach (var header in headers)
        {
            foreach (var (method, path, body) in Endpoints.Take(6))
            {
                yield return new Case($"auth '{Describe(header)}' {method} {path}", method, path, header, Org, body);
            }
        }
        yield return new Case("two Authorization headers", "GET", "/api/surveys", Valid, Org, null, ExtraAuthorization: ["Bearer " + shape]);
        yield return new Case("unknown well-formed key", "GET", "/api/surveys", "Bearer " + ApiKeySecret.Generate(), Org, null);
    }

    private static IEnumerable<Case> OrgHeaderCases()
    {
        string?[] values = [null, "", "   ", new string('x', 10 * 1024), "org_" + new string('a', 10 * 1024), "acme", "ORG_abc", "org_",
            "org_abc-def", "org_' OR '1'='1", "org_../x", "org_\u00e9", OtherOrg, "org_doesNotExist"];
        foreach (var value in values)
        {
            foreach (var (method, path, body) in Endpoints)
            {
                yield return new Case($"X-Org-Id '{Describe(value)}' {method} {path}", method, path, Valid, value, body);
            }
        }
        yield return new Case("two X-Org-Id headers", "GET", "/api/surveys", Valid, Org, null, ExtraOrg: [Org]);
    }

    private static IEnumerable<Case> BodyCases()
    {
        string[] createBodies =
        [
            """{"name":123}""", """{"name":true}""", """{"name":["a"]}""", """{"name":{"a":1}}""", """{"name":null}""", """{}""",
            """{"name":""}""", """{"name":"   "}""", """{"name":"\u0001\u0002"}""", """{"name":"x","unknown":1}""", """{"Name":"x","extra":null}""",
            """{"name":"x","expires_at":"2999-01-01T00:00:00"}""", """{"name":"x","expires_at":"2999-01-01"}""", """{"name":"x","expires_at":"tomorrow"}""",
            """{"name":"x","expires_at":"9999-12-31T23:59:59Z"}""", """{"name":"x","expires_at":"2020-01-01T00:00:00Z"}""", """{"name":"x","expires_at":12345}""",
            """{"name":"x","expires_at":"2027-13-45T99:99:99Z"}""", """{"name":"x","scopes":"surveys:read"}""", """{"name":"x","scopes":[1,2]}""",
            """{"name":"x","scopes":["surveys:write"]}""", """{"name":"x","scopes":[]}""", """{"name":"x","scopes":[null]}""", """{"name":"x","scopes":["SURVEYS:READ"]}""",
            """{"name":"x","survey_ids":"sv_1"}""", """{"name":"x","survey_ids":[]}""", """{"name":"x","survey_ids":["sv_nope"]}""", """{"name":"x","survey_ids":[1]}""",
            """{"name":"x","survey_ids":["../etc"]}""", """{"name":"x","survey_ids":["' OR 1=1 --"]}""", """{"name":"x""", """{"name":""", """{""", """[""", """[]""",
            """null""", """ "just a string" """, """42""", """{"name":"x"}{"name":"y"}""", """{"name":"x",}""", """{'name':'x'}""", """{"name":"x" "scopes":[]}""",
            new string('[', 5000) + new string(']', 5000), $$"""{"name":"{{new string('a', 101)}}"}""", $$"""{"name":"{{new string('a', 1024 * 1024)}}"}""",
        ];
        foreach (var body in createBodies)
        {
            yield return new Case($"create body {Describe(body)}", "POST", "/api/api-keys", Valid, Org, body);
        }
        yield return new Case("create body invalid UTF-8", "POST", "/api/api-keys", Valid, Org, null, RawBody: [(byte)'{', (byte)'"', (byte)'n', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}']);
        yield return new Case("create body as text/plain", "POST", "/api/api-keys", Valid, Org, """{"name":"x"}""", ContentType: "text/plain");
        yield return new Case("create body as form", "POST", "/api/api-keys", Valid, Org, "name=x", ContentType: "application/x-www-form-urlencoded");
        yield return new Case("create with no body", "POST", "/api/api-keys", Valid, Org, "");

        string[] rollBodies =
        [
            """{"grace_period_hours":-1}""", """{"grace_period_hours":-1000}""", """{"grace_period_hours":169}""", """{"grace_period_hours":2147483647}""",
            """{"grace_period_hours":99999999999}""", """{"grace_period_hours":1.5}""", """{"grace_period_hours":"soon"}""", """{"grace_period_hours":[1]}""",
            """{"grace_period_hours":1,"now":true}""", """{"grace""", """[1]""", """null""",
        ];
        foreach (var body in rollBodies)
        {
            yield return new Case($"roll body {Describe(body)}", "POST", "/api/api-keys/{key}/roll", Valid, Org, body);
        }
    }

    private static IEnumerable<Case> PathAndQueryCases()
    {
        string[] queries =
        [
            "page=-1", "page=0", "page=abc", "page=1.5", "page=1e3", "page=99999999999", "page=", "page=1&page=2", "page_size=0", "page_size=-5",
            "page_size=101", "page_size=1e9", "page_size=1000000000", "page_size=abc", "page_size=%00", "page=%27%20OR%201%3D1", "page_size=10;DROP TABLE ApiKeys",
        ];
        foreach (var query in queries)
        {
            yield return new Case($"surveys ?{query}", "GET", $"/api/surveys?{query}", Valid, Org, null);
            yield return new Case($"api-keys ?{query}", "GET", $"/api/api-keys?{query}", Valid, Org, null);
        }
        // (A NUL byte in the path is refused by Kestrel itself, before the app; the test host cannot even send it.)
        string[] ids =
        [
            "..%2F..%2Fetc%2Fpasswd", "sv_..", "%27", "sv_%27%20OR%20%271%27%3D%271", "sv_1%3BDROP%20TABLE%20Surveys", "sv_" + new string('a', 2000),
            "%E2%80%AE", "sv_nope", "ak_nope", "%22%3E%3Cscript%3E",
        ];
        foreach (var id in ids)
        {
            yield return new Case($"survey id {id[..Math.Min(id.Length, 30)]}", "GET", $"/api/surveys/{id}", Valid, Org, null);
            yield return new Case($"metrics id {id[..Math.Min(id.Length, 30)]}", "GET", $"/api/surveys/{id}/metrics/responses", Valid, Org, null);
            yield return new Case($"key id {id[..Math.Min(id.Length, 30)]}", "GET", $"/api/api-keys/{id}", Valid, Org, null);
            yield return new Case($"revoke id {id[..Math.Min(id.Length, 30)]}", "POST", $"/api/api-keys/{id}/revoke", Valid, Org, null);
            yield return new Case($"delete id {id[..Math.Min(id.Length, 30)]}", "DELETE", $"/api/api-keys/{id}", Valid, Org, null);
        }
        yield return new Case("unknown route", "GET", "/api/responses", Valid, Org, null);
        yield return new Case("wrong method", "PUT", "/api/surveys", Valid, Org, null);
        yield return new Case("patch a key", "PATCH", "/api/api-keys/{key}", Valid, Org, """{"name":"y"}""");
    }

    public static IEnumerable<object[]> Cases() =>
        AuthorizationCases().Concat(OrgHeaderCases()).Concat(BodyCases()).Concat(PathAndQueryCases()).Select(c => new object[] { c });

    private static string Describe(string? value) =>
        value is null ? "absent" : value.Length > 40 ? $"{value[..20]}…({value.Length} chars)" : value;

    [Fact]
    public void TheSuite_HasAtLeastTwoHundredCases() => Assert.True(Cases().Count() >= 200, $"only {Cases().Count()} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MalformedRequest_Gets4xxProblem_AndChangesNothing(Case c)
    {
        var before = await world.DumpAsync();
        string Fill(string s) => s.Replace("{survey}", world.SurveyId).Replace("{key}", world.KeyId);
        var request = new HttpRequestMessage(new HttpMethod(c.Method), Fill(c.Path));
        var auth = c.Authorization == Valid ? $"Bearer {world.Secret}" : c.Authorization;
        if (auth is not null) request.Headers.TryAddWithoutValidation("Authorization", auth);
        foreach (var extra in c.ExtraAuthorization ?? []) request.Headers.TryAddWithoutValidation("Authorization", extra);
        var org = c.OrgHeader switch { Org => world.OrgId, OtherOrg => world.OtherOrgId, var v => v };
        if (org is not null) request.Headers.TryAddWithoutValidation("X-Org-Id", org);
        foreach (var extra in c.ExtraOrg ?? []) request.Headers.TryAddWithoutValidation("X-Org-Id", extra == Org ? world.OrgId : extra);
        if (c.RawBody is not null) request.Content = new ByteArrayContent(c.RawBody) { Headers = { { "Content-Type", c.ContentType } } };
        else if (c.Body is not null) request.Content = new StringContent(c.Body, Encoding.UTF8, c.ContentType);

        var response = await world.CreateClient().SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{c.Name}: {status} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(world.Secret, body);
        Assert.Equal(before, await world.DumpAsync());
    }
}

public sealed class PostgresBadInputWorld() : BadInputWorld(PostgresTestDatabase.Create());

public sealed class BadInputTestsOnSqlite(BadInputWorld world) : BadInputTests(world), IClassFixture<BadInputWorld>;

public sealed class BadInputTestsOnPostgres(PostgresBadInputWorld world) : BadInputTests(world), IClassFixture<PostgresBadInputWorld>;
