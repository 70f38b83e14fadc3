using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Surveys;

/// <summary>
/// The hand-written prepared reads (<see cref="SurveyReads"/>) and the compiled key lookups return exactly what the
/// plain LINQ queries they replaced return, on both databases: for an owner, an admin, members, restricted keys,
/// another org's ids and empty results.
/// </summary>
public abstract class SurveyReadsTests(QuestraFactory factory)
{
    private sealed record Fixture(string Org, string Owner, string Admin, string Alice, string Bob, string Idle, string EmptyOrg,
        string[] AliceSurveys, string BobSurvey, string AdminSurvey, string OtherOrgSurvey);

    private async Task<Fixture> SeedAsync()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        string admin = await factory.Data.UserAsync(), alice = await factory.Data.UserAsync(), bob = await factory.Data.UserAsync(),
            idle = await factory.Data.UserAsync();
        await factory.Data.AddMemberAsync(org, admin, OrgRole.Admin);
        await factory.Data.AddMemberAsync(org, alice, OrgRole.Member);
        await factory.Data.AddMemberAsync(org, bob, OrgRole.Member);
        await factory.Data.AddMemberAsync(org, idle, OrgRole.Member);
        var (otherOrg, otherOwner) = await factory.Data.OrgWithOwnerAsync();
        var (emptyOrg, _) = await factory.Data.OrgWithOwnerAsync();

        var day = new DateTimeOffset(2026, 10, 1, 9, 30, 0, TimeSpan.Zero);
        var responses = Enumerable.Range(0, 40).Select(i => (day.AddHours(i * 7), i % 3 != 0)).ToArray();
        var alices = new[]
        {
            await factory.Data.SurveyAsync(org, alice, "Alice one", responses),
            await factory.Data.SurveyAsync(org, alice, "Alice two"),
            await factory.Data.SurveyAsync(org, alice, "Alice three", responses[..5]),
        };
        var bobs = await factory.Data.SurveyAsync(org, bob, "Bob's", responses[..12]);
        var admins = await factory.Data.SurveyAsync(org, admin, "Admin's");
        var other = await factory.Data.SurveyAsync(otherOrg, otherOwner, "Elsewhere", responses);
        await factory.Data.WithDb(async db =>
        {
            // Two surveys created at the same instant (the list breaks the tie by id), more questions, one out of order,
            // and other statuses.
            var tie = new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
            await db.Surveys.Where(s => s.Id == alices[0] || s.Id == alices[1]).ExecuteUpdateAsync(u => u.SetProperty(s => s.CreatedAt, tie));
            await db.Surveys.Where(s => s.Id == bobs).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SurveyStatus.Closed));
            await db.Surveys.Where(s => s.Id == alices[2]).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SurveyStatus.Draft));
            db.SurveyQuestions.AddRange(
                new SurveyQuestion { SurveyId = alices[0], Position = 3, Text = "Third", Kind = "text" },
                new SurveyQuestion { SurveyId = alices[0], Position = 1, Text = "Second", Kind = QuestionKinds.SingleChoice, Required = true, Options = [new(1, "Yes"), new(3, "No")] },
                new SurveyQuestion { SurveyId = alices[0], Position = 1, Text = "Second, same position", Kind = "text" });
            await db.SaveChangesAsync();
        });
        return new Fixture(org, owner, admin, alice, bob, idle, emptyOrg, alices, bobs, admins, other);
    }

    private static IEnumerable<SurveyViewer> Viewers(Fixture f) =>
    [
        new(f.Org, f.Owner, OrgRole.Owner),
        new(f.Org, f.Admin, OrgRole.Admin),
        new(f.Org, f.Alice, OrgRole.Member),
        new(f.Org, f.Bob, OrgRole.Member),
        new(f.Org, f.Idle, OrgRole.Member),
        new(f.Org, f.Admin, OrgRole.Admin, [f.AliceSurveys[0], f.BobSurvey, f.OtherOrgSurvey, "sv_doesnotexist"]),
        new(f.Org, f.Alice, OrgRole.Member, [f.AliceSurveys[2], f.BobSurvey]),
        new(f.Org, f.Owner, OrgRole.Owner, []),
        new(f.EmptyOrg, f.Owner, OrgRole.Owner),
    ];

    [Fact]
    public async Task SurveyPages_AreTheLinqQuerysPages_ForEveryKindOfViewer()
    {
        var f = await SeedAsync();
        foreach (var viewer in Viewers(f))
        {
            foreach (var (page, size) in new[] { (1, 20), (1, 2), (2, 2), (3, 2), (9, 2), (1, 1) })
            {
                var expected = await factory.Data.WithDb(db => PlainPageAsync(db, viewer, page, size));
                var actual = await factory.Data.WithService<SurveyReads, Page<SurveySummary>>(r =>
                    r.PageAsync(viewer.OrganizationId, viewer.OnlyOwnedBy, viewer.Restriction, page, size, default));
                Assert.Equal(expected.Total, actual.Total);
                Assert.Equal(expected.Items, actual.Items);
            }
        }
        // Not vacuous: the owner's first page has every survey of the org with its responses counted.
        var all = await factory.Data.WithService<SurveyReads, Page<SurveySummary>>(r => r.PageAsync(f.Org, null, null, 1, 20, default));
        Assert.Equal(5, all.Total);
        Assert.Equal(40, all.Items.Single(s => s.Id == f.AliceSurveys[0]).ResponseCount);
    }

    [Fact]
    public async Task KeysetPages_WalkTheLinqQuerysOrder_ForEveryKindOfViewer_TiesIncluded()
    {
        var f = await SeedAsync();
        foreach (var viewer in Viewers(f))
        {
            var expected = (await factory.Data.WithDb(db => PlainPageAsync(db, viewer, 1, 100))).Items;
            foreach (var size in new[] { 1, 2, 20 })
            {
                var walked = new List<SurveySummary>();
                KeysetPosition? after = null;
                while (true)
                {
                    var page = await factory.Data.WithService<SurveyReads, List<SurveySummary>>(r =>
                        r.NewestAsync(viewer.OrganizationId, viewer.OnlyOwnedBy, viewer.Restriction, after, size, default));
                    walked.AddRange(page);
                    if (page.Count < size) break;
                    after = new KeysetPosition(page[^1].CreatedAt, page[^1].Id);
                }
                Assert.Equal(expected, walked);
            }
        }
    }

    [Fact]
    public async Task FoundSurveys_AreWhatTheLinqQueryFinds_WithTheirQuestionsInOrder()
    {
        var f = await SeedAsync();
        var ids = f.AliceSurveys.Concat([f.BobSurvey, f.AdminSurvey, f.OtherOrgSurvey, "sv_doesnotexist"]);
        foreach (var org in new[] { f.Org, f.EmptyOrg })
        {
            foreach (var id in ids)
            {
                foreach (var withQuestions in new[] { true, false })
                {
                    var expected = await factory.Data.WithDb(db => PlainFindAsync(db, org, id, withQuestions));
                    var actual = await factory.Data.WithService<SurveyReads, SurveyDetail?>(r => r.FindAsync(org, id, withQuestions, default));
                    Assert.Equal(Describe(expected), Describe(actual));
                }
            }
        }
        var first = await factory.Data.WithService<SurveyReads, SurveyDetail?>(r => r.FindAsync(f.Org, f.AliceSurveys[0], true, default));
        Assert.Equal(["How was it?", "Second", "Second, same position", "Third"], first!.Questions.Select(q => q.Text));
        Assert.Null(await factory.Data.WithService<SurveyReads, SurveyDetail?>(r => r.FindAsync(f.Org, f.OtherOrgSurvey, true, default)));
        // A member's read of another member's survey stops at the row that refuses it: its questions are not read.
        var asBob = await factory.Data.WithService<SurveyReads, SurveyDetail?>(r => r.FindAsync(f.Org, f.AliceSurveys[0], true, default, ownedBy: f.Bob));
        Assert.Equal(f.Alice, asBob!.OwnerUserId);
        Assert.Empty(asBob.Questions);
        var asAlice = await factory.Data.WithService<SurveyReads, SurveyDetail?>(r => r.FindAsync(f.Org, f.AliceSurveys[0], true, default, ownedBy: f.Alice));
        Assert.Equal(4, asAlice!.Questions.Count);
    }

    [Fact]
    public async Task PublicForms_AreWhatTheModelGives_HiddenQuestionsLeftOut_InOrder()
    {
        var f = await SeedAsync();
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var draft = TestData.EveryKind("With a hidden one");
        draft.Description = null;
        draft.Questions[1].Hidden = true;
        var authored = await factory.Data.AuthoredSurveyAsync(org, owner, draft);
        var empty = await factory.Data.AuthoredSurveyAsync(org, owner, new SurveyDraft { Title = "No questions" }, publish: false);
        foreach (var id in f.AliceSurveys.Concat([f.BobSurvey, f.OtherOrgSurvey, authored.Id, empty.Id]))
        {
            var survey = await factory.Data.WithDb(db => db.Surveys.AsNoTracking().Include(s => s.Questions).SingleAsync(s => s.Id == id));
            var actual = await factory.Data.WithService<SurveyReads, PublicSurvey?>(r => r.PublicFormAsync(survey.PublicId, default));
            Assert.Equal(Describe(ResponseSubmission.FormOf(survey)), Describe(actual));
        }
        Assert.Null(await factory.Data.WithService<SurveyReads, PublicSurvey?>(r => r.PublicFormAsync("0123456789abcdefABCDEF", default)));
        var hidden = await factory.Data.WithService<SurveyReads, PublicSurvey?>(r => r.PublicFormAsync(authored.PublicId, default));
        Assert.Equal(5, hidden!.Questions.Count);
    }

    private static string Describe(PublicSurvey? s) => s is null ? "none"
        : $"{s.SurveyId} {s.PublicId} {s.Title} {s.Description} {s.Status} [{string.Join("; ", s.Questions.Select(q => $"{q.Id} {q.Text} {q.Kind} {q.Required} ({string.Join(", ", q.Options)})"))}]";

    [Fact]
    public async Task ResponseDays_AreTheLinqQuerysRows()
    {
        var f = await SeedAsync();
        foreach (var id in f.AliceSurveys.Concat([f.BobSurvey, f.OtherOrgSurvey, "sv_doesnotexist"]))
        {
            var expected = await factory.Data.WithDb(db => db.SurveyResponseDays.AsNoTracking().Where(d => d.SurveyId == id).OrderBy(d => d.Day).ToListAsync());
            var actual = await factory.Data.WithService<SurveyReads, List<SurveyResponseDay>>(r => r.DaysAsync(id, default));
            Assert.Equal(expected.Select(Describe), actual.Select(Describe));
        }
        Assert.Equal(12, (await factory.Data.WithService<SurveyReads, List<SurveyResponseDay>>(r => r.DaysAsync(f.AliceSurveys[0], default))).Count);
    }

    [Fact]
    public async Task CompiledKeyLookups_AreThePlainQueries_ForOwnersAdminsMembersRestrictedAndRemoved()
    {
        var f = await SeedAsync();
        await factory.Data.WithDb(db => db.Organizations.Where(o => o.Id == f.Org)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.ApiKeyCreation, ApiKeyCreationPolicy.AllMembers)));
        var keys = new List<(string Id, string Secret)>
        {
            await factory.Data.KeyAsync(f.Org, f.Owner),
            await factory.Data.KeyAsync(f.Org, f.Admin, ["surveys:read"]),
            await factory.Data.KeyAsync(f.Org, f.Alice, ["surveys:read", "responses:read"], [f.AliceSurveys[0]], DateTimeOffset.UtcNow.AddDays(3)),
            await factory.Data.KeyAsync(f.Org, f.Bob),
        };
        await factory.Data.RemoveMemberAsync(f.Org, f.Bob); // his key stays stored, its owner no longer a member
        var deleted = await factory.Data.KeyAsync(f.Org, f.Owner, name: "to delete");
        Assert.True((await factory.Data.WithService<ApiKeyService, ServiceResult<bool>>(s => s.DeleteAsync(f.Org, new Caller(f.Owner, null), deleted.Id))).Succeeded);

        foreach (var secret in keys.Select(k => k.Secret).Append(deleted.Secret).Append(ApiKeySecret.Generate()))
        {
            var hash = ApiKeySecret.Hash(secret);
            var (expected, actual, wasDeleted, compiledDeleted) = await factory.Data.WithDb(async db => (
                await db.ApiKeys.AsNoTracking().Where(k => k.SecretHash == hash).Select(k => new ApiKeyAuthenticator.KeyRow(
                    k.Id, k.OrganizationId, k.CreatedByUserId, k.Scopes, k.SurveyRestriction, k.ExpiresAt, k.RevokedAt, k.SecretHash,
                    db.Memberships.Where(m => m.OrganizationId == k.OrganizationId && m.UserId == k.CreatedByUserId).Select(m => (OrgRole?)m.Role).FirstOrDefault(),
                    k.CreatedAt, k.AllowedIps, k.ParentKeyId,
                    db.Organizations.Where(o => o.Id == k.OrganizationId).Select(o => o.AllowedIps).FirstOrDefault(),
                    db.Organizations.Where(o => o.Id == k.OrganizationId).Select(o => o.MaxKeyLifetimeDays).FirstOrDefault(),
                    db.Organizations.Where(o => o.Id == k.OrganizationId).Select(o => o.KeysMustExpire).FirstOrDefault(),
                    db.ApiKeys.Where(r => r.Id == k.ReplacedByKeyId).Select(r => (DateTimeOffset?)r.CreatedAt).FirstOrDefault()))
                    .FirstOrDefaultAsync(),
                await ApiKeyAuthenticator.FindByHash(db, hash, default),
                await db.DeletedApiKeys.AnyAsync(d => d.SecretHash == hash),
                await ApiKeyAuthenticator.WasDeleted(db, hash, default)));
            Assert.Equal(Describe(expected), Describe(actual));
            Assert.Equal(wasDeleted, compiledDeleted);
        }
        var alices = await factory.Data.WithDb(db => ApiKeyAuthenticator.FindByHash(db, ApiKeySecret.Hash(keys[2].Secret), default));
        Assert.Equal((OrgRole.Member, f.AliceSurveys[0]), (alices!.Role, Assert.Single(SurveyIdList.Parse(alices.SurveyRestriction)!)));
        Assert.Null((await factory.Data.WithDb(db => ApiKeyAuthenticator.FindByHash(db, ApiKeySecret.Hash(keys[3].Secret), default)))!.Role);
        Assert.True(await factory.Data.WithDb(db => ApiKeyAuthenticator.WasDeleted(db, ApiKeySecret.Hash(deleted.Secret), default)));
    }

    // The queries SurveyReads replaced, as they were.
    private static async Task<Page<SurveySummary>> PlainPageAsync(QuestraDbContext db, SurveyViewer viewer, int page, int pageSize)
    {
        var visible = db.Surveys.AsNoTracking().Where(s => s.OrganizationId == viewer.OrganizationId);
        if (viewer.Role == OrgRole.Member) visible = visible.Where(s => s.OwnerUserId == viewer.UserId);
        if (viewer.Restriction is { } ids) visible = visible.Where(s => ids.Contains(s.Id));
        var total = await visible.CountAsync();
        var items = await visible.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(s => new SurveySummary(s.Id, s.Title, s.Status, s.CreatedAt, s.OwnerUserId, db.SurveyResponseDays.Where(d => d.SurveyId == s.Id).Sum(d => d.Total), s.UpdatedAt))
            .ToListAsync();
        return new Page<SurveySummary>(items, page, pageSize, total);
    }

    private static async Task<SurveyDetail?> PlainFindAsync(QuestraDbContext db, string org, string id, bool withQuestions)
    {
        var query = db.Surveys.AsNoTracking().Where(s => s.Id == id && s.OrganizationId == org);
        if (withQuestions) query = query.Include(s => s.Questions.OrderBy(q => q.Position).ThenBy(q => q.Id));
        var s = await query.FirstOrDefaultAsync();
        return s is null ? null
            : new SurveyDetail(s.Id, s.Title, s.Status, s.CreatedAt, s.OwnerUserId, [.. s.Questions.Select(q => new QuestionView(q.Position, q.Text, q.Kind, q.Required, q.Hidden, q.Options, q.Id))], s.UpdatedAt);
    }

    private static string Describe(SurveyDetail? s) => s is null ? "none"
        : $"{s.Id} {s.Title} {s.Status} {s.CreatedAt:O} {s.OwnerUserId} [{string.Join("; ", s.Questions.Select(q => $"{q.Position} {q.Text} {q.Kind} {q.Required} {q.Hidden} ({string.Join(", ", q.Options)})"))}]";

    private static string Describe(SurveyResponseDay d) => $"{d.SurveyId} {d.Day:O} {d.Total} {d.Completed} {d.FirstAt:O} {d.LastAt:O}";

    private static string Describe(ApiKeyAuthenticator.KeyRow? k) => k is null ? "none"
        : $"{k.Id} {k.OrganizationId} {k.CreatedByUserId} {k.Scopes} {k.SurveyRestriction} {k.ExpiresAt:O} {k.RevokedAt:O} {Convert.ToHexString(k.SecretHash)} {k.Role} {k.CreatedAt:O} {k.AllowedIps} {k.ParentKeyId} {k.OrgAllowedIps} {k.MaxLifetimeDays} {k.MustExpire} {k.RolledAt:O}";
}

public sealed class SurveyReadsTestsOnSqlite(QuestraFactory factory) : SurveyReadsTests(factory), IClassFixture<QuestraFactory>;

public sealed class SurveyReadsTestsOnPostgres(PostgresFactory factory) : SurveyReadsTests(factory), IClassFixture<PostgresFactory>;
