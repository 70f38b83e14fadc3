using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Process;

[Collection(AppProcessCollection.Name)]
public class CrashTests
{
    private static HttpClient Client(string baseUrl, string secret, string org)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        client.DefaultRequestHeaders.Add("X-Org-Id", org);
        return client;
    }

    [Fact]
    public async Task KilledMidBurstOfCreations_EveryKeyThatGot201ExistsAndWorks_AndNoneIsHalfWritten()
    {
        var path = DatabaseFiles.NewPath("crash");
        try
        {
            var (org, secret) = await AppProcess.SeedAdminKeyAsync(path);

            var created = new ConcurrentBag<(string Id, string Secret)>();
            using (var app = await AppProcess.StartAsync(path))
            {
                using var client = Client(app.BaseUrl, secret, org);
                using var stop = new CancellationTokenSource();
                var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
                {
                    for (var i = 0; !stop.IsCancellationRequested && i < 500; i++)
                    {
                        try
                        {
                            var response = await client.PostAsJsonAsync("/api/api-keys", new { name = $"burst {w}-{i}" });
                            if (response.StatusCode == HttpStatusCode.Created)
                            {
                                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                                created.Add((body.GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!));
                            }
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                        {
                            return; // the server is gone
                        }
                    }
                })).ToList();

                // Kill once the burst is well under way, while requests are in flight.
                while (created.Count < 60 && workers.Any(t => !t.IsCompleted)) await Task.Delay(5);
                app.Kill();
                stop.Cancel();
                await Task.WhenAll(workers);
            }
            Assert.True(created.Count >= 60, $"only {created.Count} keys were created before the kill");

            using (var again = await AppProcess.StartAsync(path))
            {
                using var admin = Client(again.BaseUrl, secret, org);
                foreach (var (id, keySecret) in created)
                {
                    Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/api-keys/{id}")).StatusCode);
                    using var own = Client(again.BaseUrl, keySecret, org);
                    Assert.Equal(HttpStatusCode.OK, (await own.GetAsync("/api/surveys")).StatusCode);
                }
                again.Kill();
            }
            SqliteConnection.ClearAllPools();

            // Each key and its "created" audit event were written in one transaction: never one without the other.
            await using var db = new Questra.Web.Data.QuestraDbContext(
                new DbContextOptionsBuilder<Questra.Web.Data.QuestraDbContext>().UseSqlite($"Data Source={path}").Options);
            var keys = await db.ApiKeys.ToListAsync();
            var createdEvents = await db.AuditEvents.Where(a => a.Type == "api_key.created").Select(a => a.TargetId).ToListAsync();
            Assert.Equal(keys.Select(k => k.Id).Order(), createdEvents.Order()!);
            Assert.All(keys, k =>
            {
                Assert.Equal(32, k.SecretHash.Length);
                Assert.Equal(12, k.Prefix.Length);
                Assert.False(string.IsNullOrEmpty(k.Name));
            });
        }
        finally
        {
            DatabaseFiles.Delete(path);
        }
    }

    [Fact]
    public async Task KilledMidBurst_EachRequestSentAgainWithItsIdempotencyKey_EndsWithExactlyOneKey()
    {
        var path = DatabaseFiles.NewPath("crash-idem");
        try
        {
            var (org, secret) = await AppProcess.SeedAdminKeyAsync(path);

            static HttpRequestMessage Create(string name) => new(HttpMethod.Post, "/api/api-keys")
            {
                Content = JsonContent.Create(new { name }),
                Headers = { { "Idempotency-Key", name.Replace(' ', '_') } },
            };
            var answered = new ConcurrentDictionary<string, string>(); // request → id of the key its 201 named
            var sent = new ConcurrentBag<string>();
            using (var app = await AppProcess.StartAsync(path))
            {
                using var client = Client(app.BaseUrl, secret, org);
                var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
                {
                    for (var i = 0; i < 500; i++)
                    {
                        var name = $"idem {w}-{i}";
                        sent.Add(name);
                        try
                        {
                            var response = await client.SendAsync(Create(name));
                            if (response.StatusCode == HttpStatusCode.Created)
                            {
                                answered[name] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                            }
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                        {
                            return; // the server is gone: this request's answer was lost
                        }
                    }
                })).ToList();
                while (answered.Count < 60 && workers.Any(t => !t.IsCompleted)) await Task.Delay(5);
                app.Kill();
                await Task.WhenAll(workers);
            }
            Assert.True(answered.Count >= 60, $"only {answered.Count} keys were answered before the kill");
            var unanswered = sent.Where(n => !answered.ContainsKey(n)).ToList();
            Assert.NotEmpty(unanswered); // the kill caught requests in flight

            using (var again = await AppProcess.StartAsync(path))
            {
                using var client = Client(again.BaseUrl, secret, org);
                foreach (var name in sent)
                {
                    var response = await client.SendAsync(Create(name));
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                    if (answered.TryGetValue(name, out var id))
                    {
                        // Answered before the kill: the repeat names that key, and no secret.
                        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
                        Assert.Equal(id, body.GetProperty("key_id").GetString());
                    }
                    else
                    {
                        // Lost on the way: made now (201), or made before the kill and named now (409) — never twice.
                        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict });
                    }
                    Assert.Equal(response.StatusCode == HttpStatusCode.Created, body.TryGetProperty("secret", out _));
                }
                again.Kill();
            }
            SqliteConnection.ClearAllPools();

            await using var db = new Questra.Web.Data.QuestraDbContext(
                new DbContextOptionsBuilder<Questra.Web.Data.QuestraDbContext>().UseSqlite($"Data Source={path}").Options);
            var names = await db.ApiKeys.Where(k => k.Name.StartsWith("idem ")).Select(k => k.Name).ToListAsync();
            Assert.Equal(sent.Order(), names.Order()); // one key per request, none missing, none twice
        }
        finally
        {
            DatabaseFiles.Delete(path);
        }
    }
}
