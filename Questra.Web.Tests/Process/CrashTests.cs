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
            string org, secret;
            using (var seed = QuestraFactory.OnDatabase(path))
            {
                (org, var owner) = await seed.Data.OrgWithOwnerAsync();
                (_, secret) = await seed.Data.KeyAsync(org, owner, name: "admin");
            }
            SqliteConnection.ClearAllPools();

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
}
