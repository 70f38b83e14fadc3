using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Data;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Process;

/// <summary>
/// Two app processes on one PostgreSQL database, as behind a load balancer: what one instance changes, the other
/// honours; a sign-in from one is good on the other; usage counted by both adds up.
/// </summary>
[Collection(AppProcessCollection.Name)]
public sealed partial class ScaleOutTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "Scale-out-9-horses";
    private readonly PostgresTestDatabase database = PostgresTestDatabase.Create();
    private AppProcess a = null!;
    private AppProcess b = null!;
    private string org = "", adminSecret = "", keyId = "", secret = "", email = "";
    private readonly int bMetricsPort = LoopbackPorts.Free();

    public async Task InitializeAsync()
    {
        using (var seed = QuestraFactory.OnDatabase(database))
        {
            string owner;
            (org, owner) = await seed.Data.OrgWithOwnerAsync();
            (_, adminSecret) = await seed.Data.KeyAsync(org, owner, name: "admin");
            (keyId, secret) = await seed.Data.KeyAsync(org, owner, name: "script");
            email = $"scale-{Guid.NewGuid():N}@example.test";
            await using var scope = seed.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        }
        (string, string)[] settings =
        [
            // Cached keys would otherwise be trusted for 5 minutes: only the change notice can make B refuse in time.
            ("ApiKeys:CacheSeconds", "300"),
            ("Usage:FlushSeconds", "1"),
            ("Logging:LogLevel:Questra.Web.Features.ApiKeys.ApiKeyCacheSync", "Debug"),
        ];
        // B exposes its metrics (on a port of its own) to show the change notices it received.
        var started = await Task.WhenAll(AppProcess.StartAsync(database, settings),
            AppProcess.StartAsync(database, [.. settings, ("Metrics:Enabled", "true"), ("Metrics:Port", bMetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        (a, b) = (started[0], started[1]);
        await Task.WhenAll(
            a.WaitForOutputAsync("Listening for API key changes", TimeSpan.FromSeconds(30)),
            b.WaitForOutputAsync("Listening for API key changes", TimeSpan.FromSeconds(30)));
    }

    public Task DisposeAsync()
    {
        a?.Dispose();
        b?.Dispose();
        database.Dispose();
        return Task.CompletedTask;
    }

    private HttpClient Api(AppProcess app, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        client.DefaultRequestHeaders.Add("X-Org-Id", org);
        return client;
    }

    [Fact]
    public async Task KeyRevokedThroughA_IsRefusedByB_WithinOneSecond()
    {
        using var onB = Api(b, secret);
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/surveys")).StatusCode); // cached on B now

        using var adminOnA = Api(a, adminSecret);
        var revoke = await adminOnA.PostAsync($"/api/api-keys/{keyId}/revoke", null);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var sinceRevoke = Stopwatch.StartNew();

        HttpStatusCode status;
        while ((status = (await onB.GetAsync("/api/surveys")).StatusCode) == HttpStatusCode.OK && sinceRevoke.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }
        var refusedAfter = sinceRevoke.Elapsed;

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(refusedAfter < TimeSpan.FromSeconds(1), $"B still accepted the revoked key {refusedAfter.TotalMilliseconds:F0} ms after the revoke returned");
        await b.WaitForOutputAsync("Another instance changed API keys", TimeSpan.FromSeconds(5));
        await Eventually.HoldsAsync(async () => (await new HttpClient().GetStringAsync($"http://127.0.0.1:{bMetricsPort}/metrics"))
            .Contains("questra_api_key_cache_invalidations_received_total", StringComparison.Ordinal), "B's metrics count the notice", seconds: 10);
        Assert.Equal(HttpStatusCode.NotFound, (await new HttpClient().GetAsync($"{b.BaseUrl}/metrics")).StatusCode);
        // And it stays refused on both.
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync("/api/surveys")).StatusCode);
        using var onA = Api(a, secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onA.GetAsync("/api/surveys")).StatusCode);
    }

    /// <summary>The key's allowed addresses are narrowed through A; B, which had the key cached, refuses it (403) within a second.</summary>
    [Fact]
    public async Task AddressListChangedThroughA_IsEnforcedByB_WithinOneSecond()
    {
        using var onB = Api(b, secret);
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/surveys")).StatusCode); // cached on B, from 127.0.0.1

        using var adminOnA = Api(a, adminSecret);
        var edit = await adminOnA.PutAsync($"/api/api-keys/{keyId}/allowed-ips",
            new StringContent("""{"allowed_ips":["203.0.113.0/24"]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);

        var refusedAfter = await TimeUntilAsync(onB, HttpStatusCode.Forbidden);
        Assert.True(refusedAfter < TimeSpan.FromSeconds(1), $"B still accepted the key from outside its list {refusedAfter.TotalMilliseconds:F0} ms after the change");
    }

    /// <summary>An organization lifetime rule saved by a third process (the dashboard's) stops an old key on A and B within a second.</summary>
    [Fact]
    public async Task LifetimePolicySavedElsewhere_BlocksAnOldKeyOnBothInstances_WithinOneSecond()
    {
        using var onA = Api(a, secret);
        using var onB = Api(b, secret);
        Assert.Equal(HttpStatusCode.OK, (await onA.GetAsync("/api/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/surveys")).StatusCode);
        using (var dashboard = QuestraFactory.OnDatabase(database))
        {
            var owner = await dashboard.Data.WithDb(db => db.Memberships.Where(m => m.OrganizationId == org).Select(m => m.UserId).FirstAsync());
            await dashboard.Data.WithDb(db => db.ApiKeys.Where(k => k.Id == keyId)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.CreatedAt, DateTimeOffset.UtcNow.AddDays(-100))));
            var saved = await dashboard.Data.WithService<ApiKeyService, ServiceResult<OrgKeyPolicy>>(s =>
                s.SetPolicyAsync(org, new Caller(owner, "127.0.0.1"), new KeyPolicyInput([], 90, true)));
            Assert.True(saved.Succeeded, saved.Error?.Message);
        }

        var onAAfter = await TimeUntilAsync(onA, HttpStatusCode.Unauthorized);
        var onBAfter = await TimeUntilAsync(onB, HttpStatusCode.Unauthorized);
        Assert.True(onAAfter < TimeSpan.FromSeconds(1) && onBAfter < TimeSpan.FromSeconds(1),
            $"the blocked key still worked {onAAfter.TotalMilliseconds:F0} ms (A) / {onBAfter.TotalMilliseconds:F0} ms (B) after the change");
        Assert.Contains("blocked by the organization's policy", await (await onB.GetAsync("/api/surveys")).Content.ReadAsStringAsync());
    }

    /// <summary>
    /// B answers an unchanged survey's 304 from memory; a response or an edit made by another instance (here a third
    /// process, as the public form's or the dashboard's) ends it within a second.
    /// </summary>
    [Fact]
    public async Task ASurveyChangedElsewhere_EndsBsRemembered304_WithinOneSecond()
    {
        using var elsewhere = QuestraFactory.OnDatabase(database);
        var owner = await elsewhere.Data.WithDb(db => db.Memberships.Where(m => m.OrganizationId == org).Select(m => m.UserId).FirstAsync());
        var survey = await elsewhere.Data.AuthoredSurveyAsync(org, owner);
        using var onB = Api(b, secret);
        var url = $"/api/surveys/{survey.Id}";
        Task<HttpResponseMessage> ConditionalAsync(string tag) => onB.GetIfNoneMatchAsync(url, tag);
        async Task<string> RememberedOnBAsync()
        {
            var tag = (await onB.GetAsync(url)).Headers.ETag!.Tag;
            for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.NotModified, (await ConditionalAsync(tag)).StatusCode);
            return tag;
        }
        async Task<TimeSpan> TimeUntilChangedAsync(string tag)
        {
            var since = Stopwatch.StartNew();
            HttpStatusCode status;
            while ((status = (await ConditionalAsync(tag)).StatusCode) == HttpStatusCode.NotModified && since.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10);
            Assert.Equal(HttpStatusCode.OK, status);
            return since.Elapsed;
        }

        var tag = await RememberedOnBAsync();
        // From memory: a stamp moved around the app (straight in the database, announcing nothing) is not seen by B.
        var stored = await elsewhere.Data.WithDb(db => db.Surveys.Where(x => x.Id == survey.Id).Select(x => x.UpdatedAt).SingleAsync());
        await elsewhere.Data.WithDb(db => db.Surveys.Where(x => x.Id == survey.Id).ExecuteUpdateAsync(x => x.SetProperty(v => v.UpdatedAt, stored.AddSeconds(1))));
        Assert.Equal(HttpStatusCode.NotModified, (await ConditionalAsync(tag)).StatusCode);
        var rating = survey.Questions.First(q => q.Kind == Questra.Web.Features.Surveys.QuestionKinds.Rating).Id;
        await elsewhere.Data.RespondAsync(survey, [new($"q{rating}", new Microsoft.Extensions.Primitives.StringValues("5"))], DateTimeOffset.UtcNow);
        var afterResponse = await TimeUntilChangedAsync(tag);

        tag = await RememberedOnBAsync();
        var renamed = Questra.Web.Features.Surveys.SurveyDraft.Of(survey);
        renamed.Title = "Renamed on another instance";
        var saved = await elsewhere.Data.WithService<Questra.Web.Features.Surveys.SurveyAuthoring, ServiceResult<Questra.Web.Features.Surveys.Survey>>(
            s => s.SaveAsync(org, new Caller(owner, "127.0.0.1"), survey.Id, renamed));
        Assert.True(saved.Succeeded, saved.Error?.Message);
        var afterEdit = await TimeUntilChangedAsync(tag);

        output.WriteLine($"B's 304 ended {afterResponse.TotalMilliseconds:F0} ms after the response, {afterEdit.TotalMilliseconds:F0} ms after the edit");
        Assert.True(afterResponse < TimeSpan.FromSeconds(1) && afterEdit < TimeSpan.FromSeconds(1),
            $"B answered 304 for a changed survey {afterResponse.TotalMilliseconds:F0} ms (response) / {afterEdit.TotalMilliseconds:F0} ms (edit) after the change");
    }

    [Fact]
    public async Task AFormChangedElsewhere_EndsBsKeptForm_WithinOneSecond()
    {
        using var elsewhere = QuestraFactory.OnDatabase(database);
        var owner = await elsewhere.Data.WithDb(db => db.Memberships.Where(m => m.OrganizationId == org).Select(m => m.UserId).FirstAsync());
        var survey = await elsewhere.Data.AuthoredSurveyAsync(org, owner);
        using var respondent = new HttpClient { BaseAddress = new Uri(b.BaseUrl), Timeout = TimeSpan.FromSeconds(10) };
        var form = $"/s/{survey.PublicId}";
        Task<string> PageAsync() => respondent.GetStringAsync(form);
        async Task<TimeSpan> TimeUntilShownAsync(string text)
        {
            var since = Stopwatch.StartNew();
            string page;
            while (!(page = await PageAsync()).Contains(text, StringComparison.Ordinal) && since.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10);
            Assert.Contains(text, page);
            return since.Elapsed;
        }
        var caller = new Caller(owner, "127.0.0.1");

        Assert.Contains($"<h1>{survey.Title}</h1>", await PageAsync());
        // From memory: a title changed around the app (straight in the database, announcing nothing) is not seen by B,
        await elsewhere.Data.WithDb(db => db.Surveys.Where(x => x.Id == survey.Id).ExecuteUpdateAsync(x => x.SetProperty(v => v.Title, "Changed around the app")));
        Assert.Contains($"<h1>{survey.Title}</h1>", await PageAsync());
        // and a response made elsewhere (which changes no form) does not end it: once B has heard of the response
        // (its remembered 304 for the survey ends), B still shows the form it kept.
        using var onB = Api(b, secret);
        var tag = (await onB.GetAsync($"/api/surveys/{survey.Id}")).Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.NotModified, (await onB.GetIfNoneMatchAsync($"/api/surveys/{survey.Id}", tag)).StatusCode);
        var rating = survey.Questions.First(q => q.Kind == Questra.Web.Features.Surveys.QuestionKinds.Rating).Id;
        await elsewhere.Data.RespondAsync(survey, [new($"q{rating}", new Microsoft.Extensions.Primitives.StringValues("5"))], DateTimeOffset.UtcNow);
        await Eventually.HoldsAsync(async () => (await onB.GetIfNoneMatchAsync($"/api/surveys/{survey.Id}", tag)).StatusCode == HttpStatusCode.OK,
            "B heard of the response", 10);
        Assert.Contains($"<h1>{survey.Title}</h1>", await PageAsync());

        var renamed = Questra.Web.Features.Surveys.SurveyDraft.Of(survey);
        renamed.Title = "Renamed on another instance";
        var saved = await elsewhere.Data.WithService<Questra.Web.Features.Surveys.SurveyAuthoring, ServiceResult<Questra.Web.Features.Surveys.Survey>>(
            s => s.SaveAsync(org, caller, survey.Id, renamed));
        Assert.True(saved.Succeeded, saved.Error?.Message);
        var afterEdit = await TimeUntilShownAsync("<h1>Renamed on another instance</h1>");

        var closed = await elsewhere.Data.WithService<Questra.Web.Features.Surveys.SurveyAuthoring, ServiceResult<Questra.Web.Features.Surveys.Survey>>(
            s => s.SetStatusAsync(org, caller, survey.Id, Questra.Web.Features.Surveys.SurveyStatus.Closed));
        Assert.True(closed.Succeeded, closed.Error?.Message);
        var afterClose = await TimeUntilShownAsync("This survey is closed");

        output.WriteLine($"B's kept form ended {afterEdit.TotalMilliseconds:F0} ms after the edit, {afterClose.TotalMilliseconds:F0} ms after closing");
        Assert.True(afterEdit < TimeSpan.FromSeconds(1) && afterClose < TimeSpan.FromSeconds(1),
            $"B showed a changed form {afterEdit.TotalMilliseconds:F0} ms (edit) / {afterClose.TotalMilliseconds:F0} ms (close) after the change");
    }

    // How long until the instance answers with the expected status (10 s at most).
    private static async Task<TimeSpan> TimeUntilAsync(HttpClient client, HttpStatusCode expected)
    {
        var since = Stopwatch.StartNew();
        HttpStatusCode status;
        while ((status = (await client.GetAsync("/api/surveys")).StatusCode) != expected && since.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }
        Assert.Equal(expected, status);
        return since.Elapsed;
    }

    /// <summary>
    /// The commonest network failure: B's listening connection stalls without closing (here its PostgreSQL backend
    /// is paused with SIGSTOP, as a NAT that silently drops a connection would leave it). A's notice queues unseen;
    /// B must stop trusting its cache on its own, within the channel lease, and listen again on a new connection.
    /// </summary>
    [Fact]
    public async Task KeyRevokedThroughA_IsRefusedByB_WithinTwoSeconds_WhenBsChannelStalls()
    {
        using var onB = Api(b, secret);
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/surveys")).StatusCode); // cached on B now
        var listener = await ListenerBackendAsync(b);

        await AppProcess.SignalAsync(listener, "STOP");
        try
        {
            using var adminOnA = Api(a, adminSecret);
            Assert.Equal(HttpStatusCode.OK, (await adminOnA.PostAsync($"/api/api-keys/{keyId}/revoke", null)).StatusCode);
            var sinceRevoke = Stopwatch.StartNew();
            var accepted = 0;
            HttpStatusCode status;
            while ((status = (await onB.GetAsync("/api/surveys")).StatusCode) == HttpStatusCode.OK && sinceRevoke.Elapsed < TimeSpan.FromSeconds(10))
            {
                accepted++;
                await Task.Delay(10);
            }
            var refusedAfter = sinceRevoke.Elapsed;
            output.WriteLine($"stalled channel: revoked key accepted {accepted} times on B, refused {refusedAfter.TotalMilliseconds:F0} ms after the revoke");

            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.True(refusedAfter < TimeSpan.FromSeconds(2),
                $"B accepted the revoked key {accepted} times, until {refusedAfter.TotalMilliseconds:F0} ms after the revoke returned");
            // B notices the dead channel, says so once, and listens again on a new connection while the old backend is still paused.
            await b.WaitForOutputAsync("Lost the key-change channel", TimeSpan.FromSeconds(10));
            await Eventually.HoldsAsync(() => Task.FromResult(Regex.Count(b.OutputText, "Listening for API key changes") >= 2),
                "B listens again on a new connection", seconds: 15);
            Assert.NotEqual(listener, await ListenerBackendAsync(b));
            Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync("/api/surveys")).StatusCode);
        }
        finally
        {
            await AppProcess.SignalAsync(listener, "CONT");
        }
    }

    /// <summary>The PostgreSQL backend process that serves an instance's LISTEN connection (found by its application name).</summary>
    private async Task<int> ListenerBackendAsync(AppProcess app)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var find = new Npgsql.NpgsqlCommand(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND backend_type = 'client backend' ORDER BY backend_start DESC LIMIT 1", connection);
        find.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Questra.Web.Data.ChannelDataSource.ApplicationName(app.Id) });
        return (int)(await find.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No listener backend for process {app.Id}"));
    }

    [Fact]
    public async Task SignInCookieFromA_IsAcceptedByB()
    {
        var cookies = new CookieContainer(); // cookies ignore ports: both instances see the same jar, as behind one host name
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });

        var form = await browser.GetStringAsync($"{a.BaseUrl}/Account/Login");
        var fields = HiddenInputs(form);
        fields["Input.Email"] = email;
        fields["Input.Password"] = Password;
        var signIn = await browser.PostAsync($"{a.BaseUrl}/Account/Login", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Contains(cookies.GetCookies(new Uri(a.BaseUrl)), c => c.Name == ".AspNetCore.Identity.Application");

        var onB = await browser.GetAsync($"{b.BaseUrl}/Account/Manage");
        using var stranger = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var withoutCookie = await stranger.GetAsync($"{b.BaseUrl}/Account/Manage");

        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        Assert.Contains(email, await onB.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, withoutCookie.StatusCode);
        Assert.Contains("/Account/Login", withoutCookie.Headers.Location?.ToString());
    }

    [Fact]
    public async Task ThousandRequestsOverBothInstances_AreCountedExactlyOnce()
    {
        using var onA = Api(a, secret);
        using var onB = Api(b, secret);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var mine = new List<HttpStatusCode>();
            for (var i = worker; i < 1000; i += 8)
            {
                mine.Add((await (i % 2 == 0 ? onA : onB).GetAsync("/api/surveys")).StatusCode);
            }
            return mine;
        })));
        Assert.All(statuses.SelectMany(s => s), s => Assert.Equal(HttpStatusCode.OK, s));

        // Both flush every second while serving, and once more as they stop.
        await Task.WhenAll(a.StopAsync(), b.StopAsync());

        using var reader = QuestraFactory.OnDatabase(database);
        var (count, lastUsed) = await reader.Data.WithDb(async db => (
            await db.ApiKeyUsage.Where(u => u.ApiKeyId == keyId).SumAsync(u => u.Count),
            await db.ApiKeys.Where(k => k.Id == keyId).Select(k => k.LastUsedAt).SingleAsync()));
        Assert.Equal(1000, count);
        Assert.NotNull(lastUsed);
        Assert.Contains("Wrote key usage", a.OutputText);
        Assert.Contains("Wrote key usage", b.OutputText);
    }

    private static Dictionary<string, string> HiddenInputs(string html)
    {
        var fields = new Dictionary<string, string>();
        foreach (Match input in InputTag().Matches(html))
        {
            var tag = input.Value;
            if (!tag.Contains("type=\"hidden\"", StringComparison.Ordinal)) continue;
            var name = NameAttribute().Match(tag);
            var value = ValueAttribute().Match(tag);
            if (name.Success) fields[WebUtility.HtmlDecode(name.Groups[1].Value)] = WebUtility.HtmlDecode(value.Success ? value.Groups[1].Value : "");
        }
        return fields;
    }

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex InputTag();

    [GeneratedRegex("\\sname=\"([^\"]*)\"")]
    private static partial Regex NameAttribute();

    [GeneratedRegex("\\svalue=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();
}
