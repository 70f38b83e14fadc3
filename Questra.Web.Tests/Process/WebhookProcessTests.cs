using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Process;

/// <summary>Webhook delivery across a crash: the built app as an OS process, killed while a receiver holds a delivery open.</summary>
[Collection(AppProcessCollection.Name)]
public sealed class WebhookProcessTests
{
    private static readonly (string, string)[] Settings =
    [
        ("Webhooks:AllowedNetworks:0", "127.0.0.1/32"),
        ("Webhooks:PollMilliseconds", "100"),
        ("Webhooks:TimeoutSeconds", "2"),
    ];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnInstanceKilledMidDelivery_LeavesEveryEventToBeDelivered_UnderTheSameWebhookId(string provider)
    {
        using TestDatabase database = provider == "sqlite"
            ? new SqliteTestDatabase(DatabaseFiles.NewPath("webhook-crash"), deleteOnDispose: true)
            : PostgresTestDatabase.Create();
        string org, secret;
        using (var seed = QuestraFactory.OnDatabase(database))
        {
            var (o, owner) = await seed.Data.OrgWithOwnerAsync();
            (org, (_, secret)) = (o, await seed.Data.KeyAsync(o, owner, scopes: ["surveys:read", "responses:read", "api_keys:read", "api_keys:write"], name: "admin"));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var receiver = await WebhookReceiver.StartAsync();
        var held = new TaskCompletionSource();
        string? heldId = null; // chosen by the request itself: requests arrive in parallel, so "the first recorded" may be another one
        receiver.Respond = async r =>
        {
            if (Interlocked.CompareExchange(ref heldId, r.Id, null) is null) await held.Task; // one delivery hangs until the instance is gone
            return 204;
        };

        string signingSecret;
        using (var app = await AppProcess.StartAsync(database, Settings))
        {
            using var client = Client(app, org, secret);
            var endpoint = JsonDocument.Parse(await (await client.PostAsync("/api/webhooks",
                Json(new { url = receiver.Url, events = new[] { "api_key.created" } }))).Content.ReadAsStringAsync()).RootElement;
            signingSecret = endpoint.GetProperty("secret").GetString()!;
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/api-keys", Json(new { name = $"made {i}", scopes = new[] { "surveys:read" } }))).StatusCode);
            }
            await receiver.WaitForAsync(_ => Volatile.Read(ref heldId) is not null, "a delivery in flight");
            app.Kill(); // SIGKILL, mid-delivery: the receiver has the request, the app never hears its answer
        }
        held.SetResult();
        var inFlight = receiver.All.First(r => r.Id == Volatile.Read(ref heldId));

        using (await AppProcess.StartAsync(database, Settings))
        {
            await receiver.WaitForAsync(r => r.Select(x => x.Id).Distinct().Count() == 5 && r.Count(x => x.Id == inFlight.Id) >= 2,
                "every event, the one in flight again", seconds: 60);
            using var verify = QuestraFactory.OnDatabase(database);
            var unrecorded = "";
            await Eventually.HoldsAsync(async () =>
            {
                var open = await verify.Data.WithDb(db => db.WebhookDeliveries.AsNoTracking().Where(d => d.DeliveredAt == null)
                    .Select(d => new { d.Id, d.Attempts, d.NextAttemptAt, d.ClaimedUntil, Errors = db.WebhookAttempts.Where(a => a.DeliveryId == d.Id).Select(a => a.Error).ToList() })
                    .ToListAsync());
                unrecorded = string.Join("; ", open.Select(d => $"{d.Id}: {d.Attempts} attempts, next {d.NextAttemptAt:HH:mm:ss}, claimed until {d.ClaimedUntil:HH:mm:ss}, errors [{string.Join(" | ", d.Errors)}]"));
                return open.Count == 0;
            }, () => $"every delivery recorded (at {DateTimeOffset.UtcNow:HH:mm:ss} still open: {unrecorded})", 30);
        }

        var all = receiver.All;
        Assert.All(all, r => Assert.True(WebhookReceiver.Verifies(signingSecret, r)));
        Assert.Equal(5, all.Select(r => r.Id).Distinct().Count());
        Assert.Equal(5, all.Select(r => r.Data.GetProperty("key").GetProperty("name").GetString()).Distinct().Count());
        Assert.Single(all.Where(r => r.Id == inFlight.Id).Select(r => r.Body).Distinct()); // the same body under the same id
    }

    private static HttpClient Client(AppProcess app, string org, string secret)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        client.DefaultRequestHeaders.Add("X-Org-Id", org);
        return client;
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
