using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Features.Audit;
using Questra.Web.Features.AuditTrail;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features;

/// <summary>The audit log's date range and its CSV export: whole UTC days, owners and admins only, spreadsheet-safe cells.</summary>
public abstract class AuditExportTests(QuestraFactory factory)
{
    private async Task<(FormClient Client, string Org, string UserId)> SignedInOwnerAsync()
    {
        var (id, email, key) = await factory.Data.EnrolledUserAsync();
        var org = await factory.Data.OrgAsync();
        await factory.Data.AddMemberAsync(org, id, OrgRole.Owner);
        var client = FormClient.For(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogInAsync(email, TestData.Password, code: () => factory.NextAuthenticatorCode(key))).StatusCode);
        return (client, org, id);
    }

    // An event written at a chosen instant, as the services write them.
    private Task EventAsync(string org, string userId, string type, string target, DateTimeOffset at, object? details = null) =>
        factory.Data.WithDb(async db =>
        {
            db.AddAuditEvent(org, new Questra.Web.Features.Common.Caller(userId, "::1"), type, target, at, details);
            await db.SaveChangesAsync();
        });

    [Fact]
    public async Task TheDateRange_IsWholeUtcDays_BothEndsIncluded_AndABackwardsRangeIsRefused()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var day = new DateOnly(2024, 3, 10);
        var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await EventAsync(org, owner, AuditEventTypes.SurveyCreated, "sv_before", midnight.AddTicks(-1));
        await EventAsync(org, owner, AuditEventTypes.SurveyCreated, "sv_first", midnight);
        await EventAsync(org, owner, AuditEventTypes.SurveyCreated, "sv_last", midnight.AddDays(2).AddTicks(-1));
        await EventAsync(org, owner, AuditEventTypes.SurveyCreated, "sv_after", midnight.AddDays(2));

        var page = await factory.Data.WithService<AuditLog, Questra.Web.Features.Common.ServiceResult<Page<AuditEntry>>>(
            a => a.QueryAsync(org, owner, new AuditFilter(From: day, To: day.AddDays(1)), 1, 50));
        Assert.Equal(["sv_last", "sv_first"], page.Value!.Items.Select(e => e.TargetId));

        var backwards = await factory.Data.WithService<AuditLog, Questra.Web.Features.Common.ServiceResult<Page<AuditEntry>>>(
            a => a.QueryAsync(org, owner, new AuditFilter(From: day.AddDays(1), To: day), 1, 50));
        Assert.Equal(Questra.Web.Features.Common.ErrorKind.Validation, backwards.Error?.Kind);
    }

    [Fact]
    public async Task TheExport_IsTheFilteredLogAsCsv_InWords_WithFormulaCellsDisarmed()
    {
        var (client, org, owner) = await SignedInOwnerAsync();
        var (keyId, _) = await factory.Data.KeyAsync(org, owner, name: "=HYPERLINK(\"http://evil\")");
        await factory.Data.WithService<MembershipService, Questra.Web.Features.Common.ServiceResult<Organization>>(s =>
            s.SetApiKeyCreationAsync(org, new Questra.Web.Features.Common.Caller(owner, "::1"), ApiKeyCreationPolicy.AllMembers));

        var answer = await client.Http.GetAsync(AuditCsv.Link(org, new AuditFilter()));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("text/csv", answer.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", answer.Content.Headers.ContentDisposition?.ToString());
        Assert.Contains("no-store", answer.Headers.CacheControl?.ToString());
        var lines = (await answer.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("\"occurred_at_utc\",\"what_happened\",\"event\"", lines[0]);
        Assert.Equal(3, lines.Length);
        var email = await factory.Data.EmailOfAsync(owner);
        // Newest first: the policy change, then the key.
        Assert.Contains($"\"{email} changed a setting of ", lines[1]);
        Assert.Contains("to: all members", lines[1]);
        Assert.Contains("setting: api key creation", lines[1]);
        Assert.EndsWith("\"::1\"", lines[1]);
        Assert.Contains($"\"{keyId}\"", lines[2]);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\")\"", lines[2]);

        var filtered = await client.Http.GetStringAsync(AuditCsv.Link(org, new AuditFilter(Type: AuditEventTypes.ApiKeyCreated)));
        Assert.Equal(2, filtered.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task TheExport_IsRefusedToMembers_OtherOrganizations_StrangersAndBadDays()
    {
        var (client, org, owner) = await SignedInOwnerAsync();
        var (other, _) = await factory.Data.OrgWithOwnerAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(AuditCsv.Link(other, new AuditFilter()))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Http.GetAsync($"{AuditCsv.Route}?org={org}&from=10/03/2024")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Http.GetAsync($"{AuditCsv.Route}?org={org}&from=2024-03-11&to=2024-03-10")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Http.GetAsync(AuditCsv.Route)).StatusCode);

        await factory.Data.AddMemberAsync(org, await factory.Data.UserAsync(), OrgRole.Owner);
        await factory.Data.SetRoleAsync(org, owner, OrgRole.Member);
        var asMember = await client.Http.GetAsync(AuditCsv.Link(org, new AuditFilter()));
        Assert.Equal(HttpStatusCode.Forbidden, asMember.StatusCode);
        Assert.Contains("Only owners and admins", await asMember.Content.ReadAsStringAsync());

        var stranger = FormClient.For(factory);
        var anonymous = await stranger.Http.GetAsync(AuditCsv.Link(org, new AuditFilter()));
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/Account/Login", anonymous.Headers.Location?.OriginalString);
    }
}

public sealed class AuditExportTestsOnSqlite(QuestraFactory factory) : AuditExportTests(factory), IClassFixture<QuestraFactory>;

public sealed class AuditExportTestsOnPostgres(PostgresFactory factory) : AuditExportTests(factory), IClassFixture<PostgresFactory>;

/// <summary>An audit event in words: no database needed.</summary>
public sealed class AuditWordingTests
{
    [Fact]
    public void Wording_SaysWhatHappened_InWords()
    {
        var entry = new AuditEntry(1, DateTimeOffset.UnixEpoch, AuditEventTypes.ApiKeyRevoked, "u1", "ana@example.com", "ak_parent", "ak_1", "::1", null, "Production");
        Assert.Equal("ana@example.com revoked API key Production (with API key ak_parent)", AuditWording.Sentence(entry));
        Assert.Equal("The operator changed the plan of Acme", AuditWording.Sentence(entry with
        {
            Type = AuditEventTypes.OrgPlanChanged, ActorUserId = null, ActorEmail = null, ActorApiKeyId = null, TargetLabel = "Acme",
        }));
        Assert.Equal("ana@example.com turned on two-factor authentication",
            AuditWording.Sentence(entry with { Type = AuditEventTypes.MfaEnabled, TargetId = "u1", ActorApiKeyId = null, TargetLabel = "ana@example.com" }));
        Assert.Equal("ana@example.com invited bo@example.com", AuditWording.Sentence(entry with
        {
            Type = AuditEventTypes.MemberInvited, ActorApiKeyId = null, TargetId = "inv_1", TargetLabel = null, Details = "{\"email\":\"bo@example.com\",\"role\":\"Admin\"}",
        }));
        Assert.Equal("this server", AuditWording.Address("127.0.0.1"));
        Assert.Equal("203.0.113.9", AuditWording.Address("203.0.113.9"));
        Assert.Equal("owners and admins", AuditWording.Words("to", "OwnersAndAdmins"));
        Assert.Equal("NightlyEtl", AuditWording.Words("name", "NightlyEtl"));
        Assert.Equal("api key creation", AuditWording.Words("setting", "api_key_creation"));
        Assert.Equal("setting: api key creation · from: owners and admins · to: all members",
            AuditDetails.Describe("{\"setting\":\"api_key_creation\",\"from\":\"OwnersAndAdmins\",\"to\":\"AllMembers\"}"));
    }
}
