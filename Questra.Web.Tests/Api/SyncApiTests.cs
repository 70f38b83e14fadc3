using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Questra.Web.Api;
using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>
/// What a BI or ETL job relies on: cursor paging that neither repeats nor skips while data changes, a cursor that
/// cannot be edited or carried elsewhere, and a list of changes since a time that a job can loop over without ever
/// missing a change made during its run.
/// </summary>
public abstract class SyncApiTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    private static async Task<(List<JsonElement> Items, JsonElement Page)> PageAsync(HttpClient client, string url)
    {
        var page = await Problem.JsonAsync(await client.GetAsync(url));
        return ([.. page.GetProperty("data").EnumerateArray()], page);
    }

    private static string? NextCursor(JsonElement page) =>
        page.GetProperty("next_cursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next_cursor").GetString();

    /// <summary>Follows a newest-first list from <paramref name="first"/> to its end; the ids it gave, in order. <paramref name="between"/> runs before each further page.</summary>
    private static async Task<List<string>> WalkAsync(HttpClient client, string first, Func<string, Task>? between = null)
    {
        var ids = new List<string>();
        for (var url = first; ;)
        {
            var (items, page) = await PageAsync(client, url);
            ids.AddRange(items.Select(i => i.GetProperty("id").GetString()!));
            if (NextCursor(page) is not { } cursor) return ids;
            if (between is not null) await between(cursor);
            url = $"{first}&cursor={Uri.EscapeDataString(cursor)}";
        }
    }

    [Fact]
    public async Task ACursor_WalksEverySurveyOnce_NewestFirst_WhileSurveysAreAdded()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var before = new List<string>();
        for (var i = 0; i < 23; i++) before.Add(await Data.SurveyAsync(org, owner, $"S{i}"));
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);

        var seen = new List<JsonElement>();
        var (items, page) = await PageAsync(client, "/api/surveys?limit=5");
        var pages = 1;
        seen.AddRange(items);
        while (page.GetProperty("has_more").GetBoolean())
        {
            await Data.SurveyAsync(org, owner, $"Added during page {pages}"); // newer than every position: never shifts the rest
            (items, page) = await PageAsync(client, $"/api/surveys?limit=5&cursor={Uri.EscapeDataString(NextCursor(page)!)}");
            seen.AddRange(items);
            pages++;
        }
        Assert.Null(NextCursor(page));
        Assert.Equal(5, pages);
        var ids = seen.Select(s => s.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(before.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        var created = seen.Select(s => s.GetProperty("created_at").GetDateTimeOffset()).ToList();
        Assert.Equal(created.OrderDescending(), created);
        Assert.All(seen, s => Assert.True(s.TryGetProperty("updated_at", out _)));

        // The older form still answers as it did, with its total.
        var old = await Problem.JsonAsync(await client.GetAsync("/api/surveys?page=2&page_size=10"));
        Assert.Equal(23 + 4, old.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ACursor_CannotBeEdited_MovedToAnotherOrganizationOrList_OrMixedWithPages()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        for (var i = 0; i < 3; i++) await Data.SurveyAsync(org, owner, $"S{i}");
        var (_, secret) = await Data.KeyAsync(org, owner, scopes: ["surveys:read", "api_keys:read"]);
        var client = factory.ApiClient(secret, org);
        var cursor = NextCursor((await PageAsync(client, "/api/surveys?limit=1")).Page)!;

        var edited = cursor[..^2] + (cursor[^2] == 'A' ? 'B' : 'A') + cursor[^1];
        foreach (var url in new[]
                 {
                     $"/api/surveys?cursor={Uri.EscapeDataString(edited)}",
                     "/api/surveys?cursor=bm90IGEgY3Vyc29y",
                     $"/api/api-keys?cursor={Uri.EscapeDataString(cursor)}", // another list
                     $"/api/surveys?cursor={Uri.EscapeDataString(cursor)}&updated_since=2020-01-01T00:00:00Z", // another filter
                 })
        {
            Assert.Contains("cursor", await Problem.AssertAsync(await client.GetAsync(url), HttpStatusCode.BadRequest));
        }
        var (otherOrg, otherOwner) = await Data.OrgWithOwnerAsync();
        var (_, otherSecret) = await Data.KeyAsync(otherOrg, otherOwner);
        await Problem.AssertAsync(await factory.ApiClient(otherSecret, otherOrg).GetAsync($"/api/surveys?cursor={Uri.EscapeDataString(cursor)}"), HttpStatusCode.BadRequest);

        foreach (var query in new[] { "limit=0", "limit=101", "limit=x", "limit=5&page=2", "cursor=", "updated_since=2026-12-01", "updated_since=yesterday",
                     "updated_since=2026-12-01T00:00:00", "updated_since=2026-12-01T00:00:00Z&page=1" })
        {
            var detail = await Problem.AssertAsync(await client.GetAsync($"/api/surveys?{query}"), HttpStatusCode.BadRequest);
            Assert.Contains(query.Contains("updated_since", StringComparison.Ordinal) ? "updated_since" : query.Contains("limit=5", StringComparison.Ordinal) ? "cursor" : query.Split('=')[0], detail);
        }
    }

    [Fact]
    public async Task ARestrictedKey_PagesOnlyItsSurveys_WhateverCursorItIsHanded()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var all = new List<string>();
        for (var i = 0; i < 8; i++) all.Add(await Data.SurveyAsync(org, owner, $"S{i}"));
        var (_, wide) = await Data.KeyAsync(org, owner);
        var (_, narrow) = await Data.KeyAsync(org, owner, surveyIds: [all[1], all[6]]);
        var narrowClient = factory.ApiClient(narrow, org);

        var ids = await WalkAsync(narrowClient, "/api/surveys?limit=1");
        Assert.Equal(new[] { all[1], all[6] }.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));

        // A cursor made by a key that sees everything carries a position, not a view.
        var wideCursor = NextCursor((await PageAsync(factory.ApiClient(wide, org), "/api/surveys?limit=1")).Page)!;
        var (handed, _) = await PageAsync(narrowClient, $"/api/surveys?limit=100&cursor={Uri.EscapeDataString(wideCursor)}");
        Assert.All(handed, s => Assert.Contains(s.GetProperty("id").GetString(), new[] { all[1], all[6] }));
        factory.Clock.Advance(SurveysEndpoints.ChangesSettle + TimeSpan.FromSeconds(1));
        var (changes, _) = await PageAsync(narrowClient, "/api/surveys?updated_since=2000-01-01T00:00:00Z&limit=100");
        Assert.Equal(new[] { all[1], all[6] }.Order(StringComparer.Ordinal), changes.Select(s => s.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ASyncLoop_OverChangesSince_NeverMissesAChangeMadeDuringItsRun()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var caller = new Caller(owner, "127.0.0.1");
        var since = factory.Clock.GetUtcNow().AddSeconds(-1);
        var surveys = new List<Survey>();
        for (var i = 0; i < 7; i++) surveys.Add(await Data.AuthoredSurveyAsync(org, owner, TestData.EveryKind($"Survey {i}")));
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        factory.Clock.Advance(SurveysEndpoints.ChangesSettle + TimeSpan.FromSeconds(1));

        // The job's copy: id → the latest state it was given.
        var copy = new Dictionary<string, JsonElement>();
        async Task<string> RunAsync(string start, Func<int, Task>? duringPage = null)
        {
            var url = start;
            for (var pageNumber = 1; ; pageNumber++)
            {
                var (items, page) = await PageAsync(client, url);
                foreach (var item in items) copy[item.GetProperty("id").GetString()!] = item;
                var updated = items.Select(s => s.GetProperty("updated_at").GetDateTimeOffset()).ToList();
                Assert.Equal(updated.Order(), updated); // oldest change first
                var next = NextCursor(page)!; // a list of changes always gives where to go on from
                if (duringPage is not null) await duringPage(pageNumber);
                if (!page.GetProperty("has_more").GetBoolean()) return next;
                url = $"/api/surveys?limit=3&cursor={Uri.EscapeDataString(next)}";
            }
        }

        var resume = await RunAsync($"/api/surveys?limit=3&updated_since={since.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}", async pageNumber =>
        {
            if (pageNumber != 1) return;
            // While the job is on its first page: a survey it already has is renamed, one it has is answered, one is closed, one is added.
            var renamed = SurveyDraft.Of(surveys[0]);
            renamed.Title = "Renamed mid-sync";
            Assert.True((await Data.WithService<SurveyAuthoring, ServiceResult<Survey>>(a => a.SaveAsync(org, caller, surveys[0].Id, renamed))).Succeeded);
            await Data.RespondAsync(surveys[1], [new(FieldOf(surveys[1], QuestionKinds.Rating), new StringValues("4"))], factory.Clock.GetUtcNow());
            Assert.True((await Data.WithService<SurveyAuthoring, ServiceResult<Survey>>(a => a.SetStatusAsync(org, caller, surveys[6].Id, SurveyStatus.Closed))).Succeeded);
            surveys.Add(await Data.AuthoredSurveyAsync(org, owner, TestData.EveryKind("Added mid-sync")));
        });
        // The first run saw every survey as it was when the run began, except one changed before the run reached it
        // (survey 6): a change moves a survey to the end of the changes, which the next run reads.
        Assert.Equal(6, copy.Count);
        Assert.False(copy.ContainsKey(surveys[6].Id));

        // The next run starts where the last one stopped (its final cursor) and brings every change made meanwhile.
        factory.Clock.Advance(SurveysEndpoints.ChangesSettle + TimeSpan.FromSeconds(1));
        var again = await RunAsync($"/api/surveys?limit=3&cursor={Uri.EscapeDataString(resume)}");
        Assert.Equal(8, copy.Count);
        Assert.Equal("Renamed mid-sync", copy[surveys[0].Id].GetProperty("title").GetString());
        Assert.Equal(1, copy[surveys[1].Id].GetProperty("response_count").GetInt32());
        Assert.Equal("Closed", copy[surveys[6].Id].GetProperty("status").GetString());
        Assert.Equal("Added mid-sync", copy[surveys[7].Id].GetProperty("title").GetString());

        // Nothing changed since: an empty page, and the cursor still moves on.
        factory.Clock.Advance(SurveysEndpoints.ChangesSettle + TimeSpan.FromSeconds(1));
        var (quiet, quietPage) = await PageAsync(client, $"/api/surveys?limit=3&cursor={Uri.EscapeDataString(again)}");
        Assert.Empty(quiet);
        Assert.False(quietPage.GetProperty("has_more").GetBoolean());
        Assert.NotNull(NextCursor(quietPage));

        // Surveys changing faster than the job reads: a run still ends where its first page said; the rest is the next run's.
        var busy = 0;
        await RunAsync("/api/surveys?limit=1&updated_since=2000-01-01T00:00:00Z", async _ =>
        {
            busy++;
            Assert.True(busy < 20, "a run that never ends");
            var renamed = SurveyDraft.Of(surveys[busy % surveys.Count]);
            renamed.Title = $"Busy {busy}";
            Assert.True((await Data.WithService<SurveyAuthoring, ServiceResult<Survey>>(a => a.SaveAsync(org, caller, surveys[busy % surveys.Count].Id, renamed))).Succeeded);
            factory.Clock.Advance(SurveysEndpoints.ChangesSettle + TimeSpan.FromSeconds(1));
        });
        Assert.InRange(busy, 1, 8); // at most one page per survey as it stood when the run began (one renamed ahead of the job drops out of it)
    }

    [Fact]
    public async Task TheKeyList_PagesByCursor_WithItsFilterBoundToTheCursor()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (_, secret) = await Data.KeyAsync(org, owner, scopes: ["surveys:read", "responses:read", "api_keys:read", "api_keys:write"]);
        for (var i = 0; i < 11; i++) await Data.KeyAsync(org, owner, name: $"K{i}");
        var client = factory.ApiClient(secret, org);

        var ids = await WalkAsync(client, "/api/api-keys?limit=4", async cursor =>
        {
            await Data.KeyAsync(org, owner, name: "Made while paging"); // newer than the position: not in this walk
            await Problem.AssertAsync(await client.GetAsync($"/api/api-keys?limit=4&filter=never_expires&cursor={Uri.EscapeDataString(cursor)}"), HttpStatusCode.BadRequest);
        });
        Assert.Equal(12, ids.Count);
        Assert.Equal(12, ids.Distinct().Count());

        var flagged = await Problem.JsonAsync(await client.GetAsync("/api/api-keys?limit=2&filter=never_expires"));
        Assert.Equal(2, flagged.GetProperty("data").GetArrayLength());
        var rest = await Problem.JsonAsync(await client.GetAsync($"/api/api-keys?limit=100&filter=never_expires&cursor={Uri.EscapeDataString(NextCursor(flagged)!)}"));
        Assert.DoesNotContain(flagged.GetProperty("data")[1].GetProperty("id").GetString()!, rest.GetRawText());
    }

    [Fact]
    public async Task AnUnchangedAnswer_Is304WithoutABody_CostsNoQuota_AndAnyChangeChangesItsETag()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        await Data.AuthoredSurveyAsync(org, owner, TestData.EveryKind("Older"));
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        static int Remaining(HttpResponseMessage r) => int.Parse(r.Headers.GetValues("RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture);

        // limit=1: a page with a next_cursor (sealed afresh each time) still has a stable tag.
        var urls = new[] { "/api/surveys", "/api/surveys?limit=1", $"/api/surveys/{survey.Id}", $"/api/surveys/{survey.Id}/metrics/responses",
            $"/api/surveys/{survey.Id}/metrics/questions" };
        var tags = new Dictionary<string, string>();
        foreach (var url in urls)
        {
            var first = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var tag = first.Headers.ETag!.Tag;
            tags[url] = tag;
            Assert.StartsWith("application/json", first.Content.Headers.ContentType!.ToString());

            using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
            conditional.Headers.TryAddWithoutValidation("If-None-Match", $"\"other\", W/{tag}");
            var unchanged = await client.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
            Assert.Equal(tag, unchanged.Headers.ETag!.Tag);
            Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());
            Assert.Equal(Remaining(first), Remaining(unchanged)); // the 304 was given back

            var again = await client.GetAsync(url);
            Assert.Equal(tag, again.Headers.ETag!.Tag); // the same data, the same tag
            Assert.Equal(Remaining(first) - 1, Remaining(again));

            using var other = new HttpRequestMessage(HttpMethod.Get, url);
            other.Headers.TryAddWithoutValidation("If-None-Match", "\"not-this-one\"");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(other)).StatusCode);

            // "*" spares nobody the body or the quota: only the holder of the current tag is.
            using var any = new HttpRequestMessage(HttpMethod.Get, url);
            any.Headers.TryAddWithoutValidation("If-None-Match", "*");
            var full = await client.SendAsync(any);
            Assert.Equal(HttpStatusCode.OK, full.StatusCode);
            Assert.Equal(Remaining(first) - 3, Remaining(full));
        }

        // A response changes the survey's count, its metrics and when it changed: every tag moves.
        await Data.RespondAsync(survey, [new(FieldOf(survey, QuestionKinds.Rating), new StringValues("5"))], factory.Clock.GetUtcNow());
        foreach (var url in urls)
        {
            using var stale = new HttpRequestMessage(HttpMethod.Get, url);
            stale.Headers.TryAddWithoutValidation("If-None-Match", tags[url]);
            var changed = await client.SendAsync(stale);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.NotEqual(tags[url], changed.Headers.ETag!.Tag);
        }
        // A bad or missing survey is still 404, never a 304.
        using var missing = new HttpRequestMessage(HttpMethod.Get, "/api/surveys/sv_missing");
        missing.Headers.TryAddWithoutValidation("If-None-Match", "*");
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(missing)).StatusCode);
    }

    [Fact]
    public async Task AChange_MovesTheStampForward_EvenWhenItIsAhead_SoTagsAndTheChangesFeedSeeIt()
    {
        // Another instance whose clock runs an hour ahead stamped the survey: a change made here, at an earlier
        // time, must still give it a new stamp (so a new tag, and a place after the old one in the changes).
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        var ahead = factory.Clock.GetUtcNow().AddHours(1);
        await Data.WithDb(db => db.Surveys.Where(x => x.Id == survey.Id).ExecuteUpdateAsync(x => x.SetProperty(v => v.UpdatedAt, ahead)));
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        var before = await client.GetAsync($"/api/surveys/{survey.Id}");
        var tag = before.Headers.ETag!.Tag;
        var stamp = (await Problem.JsonAsync(before)).GetProperty("updated_at").GetDateTimeOffset();

        var caller = new Caller(owner, "127.0.0.1");
        var renamed = SurveyDraft.Of(survey);
        renamed.Title = "Renamed behind the stamp";
        Assert.True((await Data.WithService<SurveyAuthoring, ServiceResult<Survey>>(a => a.SaveAsync(org, caller, survey.Id, renamed))).Succeeded);
        using (var stale = new HttpRequestMessage(HttpMethod.Get, $"/api/surveys/{survey.Id}"))
        {
            stale.Headers.TryAddWithoutValidation("If-None-Match", tag);
            var after = await client.SendAsync(stale);
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.NotEqual(tag, after.Headers.ETag!.Tag);
            var body = await Problem.JsonAsync(after);
            Assert.Equal("Renamed behind the stamp", body.GetProperty("title").GetString());
            Assert.True(body.GetProperty("updated_at").GetDateTimeOffset() > stamp);
            stamp = body.GetProperty("updated_at").GetDateTimeOffset();
            tag = after.Headers.ETag!.Tag;
        }
        // A response too.
        await Data.RespondAsync(survey, [new(FieldOf(survey, QuestionKinds.Rating), new StringValues("5"))], factory.Clock.GetUtcNow());
        var answered = await client.GetAsync($"/api/surveys/{survey.Id}");
        Assert.NotEqual(tag, answered.Headers.ETag!.Tag);
        Assert.True((await Problem.JsonAsync(answered)).GetProperty("updated_at").GetDateTimeOffset() > stamp);
    }

    [Fact]
    public async Task A304IsAnsweredFromMemory_AndEveryChangeThroughTheApp_EndsItAtOnce()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        var (_, secret) = await Data.KeyAsync(org, owner);
        var client = factory.ApiClient(secret, org);
        var caller = new Caller(owner, "127.0.0.1");
        var url = $"/api/surveys/{survey.Id}";
        Task<HttpResponseMessage> ConditionalAsync(string tag) => client.GetIfNoneMatchAsync(url, tag);
        // The tag the survey has now, and a 304 for it (which leaves the stamp in this instance's memory).
        async Task<string> CurrentTagAsync()
        {
            var tag = (await client.GetAsync(url)).Headers.ETag!.Tag;
            Assert.Equal(HttpStatusCode.NotModified, (await ConditionalAsync(tag)).StatusCode);
            Assert.NotNull(factory.Services.GetRequiredService<SurveyStamps>().Find(org, survey.Id)); // remembered, so what follows tests the forgetting
            return tag;
        }

        // Answered from memory: a stamp moved around the app (straight in the database) is not seen…
        var tag = await CurrentTagAsync();
        var stored = await Data.WithDb(db => db.Surveys.Where(x => x.Id == survey.Id).Select(x => x.UpdatedAt).SingleAsync());
        await Data.WithDb(db => db.Surveys.Where(x => x.Id == survey.Id).ExecuteUpdateAsync(x => x.SetProperty(v => v.UpdatedAt, stored.AddSeconds(1))));
        Assert.Equal(HttpStatusCode.NotModified, (await ConditionalAsync(tag)).StatusCode);
        // …until the remembered stamp lapses.
        factory.Clock.Advance(SurveyStamps.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await ConditionalAsync(tag)).StatusCode);

        // Every change made through the app ends the 304 on the next request.
        tag = await CurrentTagAsync();
        var renamed = SurveyDraft.Of(survey);
        renamed.Title = "Renamed while remembered";
        Assert.True((await Data.WithService<SurveyAuthoring, ServiceResult<Survey>>(a => a.SaveAsync(org, caller, survey.Id, renamed))).Succeeded);
        Assert.Equal(HttpStatusCode.OK, (await ConditionalAsync(tag)).StatusCode);

        tag = await CurrentTagAsync();
        await Data.RespondAsync(survey, [new(FieldOf(survey, QuestionKinds.Rating), new StringValues("4"))], factory.Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.OK, (await ConditionalAsync(tag)).StatusCode);

        tag = await CurrentTagAsync();
        Assert.True((await Data.WithService<SurveyAuthoring, ServiceResult<Survey>>(a => a.SetStatusAsync(org, caller, survey.Id, SurveyStatus.Closed))).Succeeded);
        Assert.Equal(HttpStatusCode.OK, (await ConditionalAsync(tag)).StatusCode);

        tag = await CurrentTagAsync();
        Assert.True((await Data.WithService<SurveyAuthoring, ServiceResult<int>>(a => a.DeleteAsync(org, caller, survey.Id, 1))).Succeeded);
        Assert.Equal(HttpStatusCode.NotFound, (await ConditionalAsync(tag)).StatusCode);
    }

    [Fact]
    public async Task ARememberedStamp_IsNeverServedToAnotherOrganization_OrToAMemberWhoDoesNotOwnTheSurvey()
    {
        var org = await Data.OrgAsync(policy: Questra.Web.Features.Organizations.ApiKeyCreationPolicy.AllMembers);
        var owner = await Data.UserAsync();
        await Data.AddMemberAsync(org, owner, Questra.Web.Features.Organizations.OrgRole.Owner);
        var survey = await Data.AuthoredSurveyAsync(org, owner);
        var (_, secret) = await Data.KeyAsync(org, owner);
        var tag = (await factory.ApiClient(secret, org).GetAsync($"/api/surveys/{survey.Id}")).Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.NotModified, (await factory.ApiClient(secret, org).GetIfNoneMatchAsync($"/api/surveys/{survey.Id}", tag)).StatusCode);
        var (otherOrg, otherOwner) = await Data.OrgWithOwnerAsync();
        var (_, otherSecret) = await Data.KeyAsync(otherOrg, otherOwner);
        var member = await Data.UserAsync();
        await Data.AddMemberAsync(org, member, Questra.Web.Features.Organizations.OrgRole.Member);
        var (_, memberSecret) = await Data.KeyAsync(org, member);
        var elsewhere = await Data.AuthoredSurveyAsync(org, owner);
        var (_, restrictedSecret) = await Data.KeyAsync(org, owner, surveyIds: [elsewhere.Id]);
        Assert.NotNull(factory.Services.GetRequiredService<SurveyStamps>().Find(org, survey.Id));
        foreach (var (key, keyOrg) in new[] { (otherSecret, otherOrg), (memberSecret, org), (restrictedSecret, org) })
        {
            var plain = await factory.ApiClient(key, keyOrg).GetAsync($"/api/surveys/{survey.Id}");
            Assert.True(plain.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, plain.StatusCode.ToString());
            Assert.Equal(plain.StatusCode, (await factory.ApiClient(key, keyOrg).GetIfNoneMatchAsync($"/api/surveys/{survey.Id}", tag)).StatusCode); // as without the tag: never a 304
        }
    }

    private static string FieldOf(Survey survey, string kind) => $"q{survey.Questions.First(q => q.Kind == kind).Id}";
}

public sealed class SyncApiTestsOnSqlite(QuestraFactory factory) : SyncApiTests(factory), IClassFixture<QuestraFactory>;

public sealed class SyncApiTestsOnPostgres(PostgresFactory factory) : SyncApiTests(factory), IClassFixture<PostgresFactory>;
