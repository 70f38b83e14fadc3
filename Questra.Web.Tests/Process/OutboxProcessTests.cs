using System.Net;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Email;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Process;

/// <summary>The outbox across crashes and instances, with the built app as OS processes and a real SMTP server.</summary>
[Collection(AppProcessCollection.Name)]
public sealed class OutboxProcessTests : IDisposable
{
    private readonly SmtpSink smtp = new();

    private (string, string)[] MailSettings(int pollMilliseconds) =>
    [
        ("Email:Enabled", "true"),
        ("Email:From", "Questra <no-reply@questra.test>"),
        ("Email:Smtp:Host", "127.0.0.1"),
        ("Email:Smtp:Port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Email:Smtp:Security", "None"),
        ("Email:PublicBaseUrl", "https://questra.example.test"),
        ("Email:Outbox:PollMilliseconds", pollMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    [Fact]
    public async Task AfterASigkillWithMailQueued_TheRestartedAppDeliversEachMessageExactlyOnce()
    {
        using var database = new SqliteTestDatabase(DatabaseFiles.NewPath("outbox-crash"), deleteOnDispose: true);
        string org, secret;
        using (var seed = QuestraFactory.OnDatabase(database))
        {
            var (o, owner) = await seed.Data.OrgWithOwnerAsync();
            (org, (_, secret)) = (o, await seed.Data.KeyAsync(o, owner, name: "admin"));
        }
        await smtp.StartAsync();

        // The first run polls only at its start: what it queues afterwards waits in the outbox when it is killed.
        using (var first = await AppProcess.StartAsync(database, MailSettings(pollMilliseconds: 600_000)))
        {
            using var client = new HttpClient { BaseAddress = new Uri(first.BaseUrl) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", secret);
            client.DefaultRequestHeaders.Add("X-Org-Id", org);
            for (var i = 0; i < 10; i++)
            {
                var created = await client.PostAsync("/api/api-keys",
                    new StringContent($$"""{"name":"queued {{i}}"}""", System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            first.Kill();
        }
        Assert.DoesNotContain(smtp.Messages(), m => (m.Subject ?? "").Contains("queued"));

        using var second = await AppProcess.StartAsync(database, MailSettings(pollMilliseconds: 100));
        using var verify = QuestraFactory.OnDatabase(database);
        await Eventually.HoldsAsync(() => verify.Data.WithDb(db => db.OutboxMessages.AllAsync(m => m.SentAt != null)), "every message sent", seconds: 60);

        var subjects = smtp.Messages().Select(m => m.Subject ?? "").Where(s => s.Contains("queued")).ToList();
        Assert.Equal(10, subjects.Count);
        Assert.Equal(10, subjects.Distinct().Count());
    }

    [Fact]
    public async Task TwoInstancesOnPostgres_NeverSendAMessageTwice()
    {
        using var database = PostgresTestDatabase.Create();
        using (var seed = QuestraFactory.OnDatabase(database))
        {
            await seed.Data.WithDb(async db =>
            {
                for (var i = 0; i < 60; i++)
                {
                    db.Enqueue(Mail.Compose("test", $"reader{i % 3}@example.test", $"Message {i:D2}", ["Hello."], null, DateTimeOffset.UtcNow));
                }
                await db.SaveChangesAsync();
            });
        }
        await smtp.StartAsync();

        var apps = await Task.WhenAll(AppProcess.StartAsync(database, MailSettings(100)), AppProcess.StartAsync(database, MailSettings(100)));
        try
        {
            using var verify = QuestraFactory.OnDatabase(database);
            await Eventually.HoldsAsync(() => verify.Data.WithDb(db => db.OutboxMessages.AllAsync(m => m.SentAt != null)), "every message sent", seconds: 60);

            var subjects = smtp.Messages().Select(m => m.Subject ?? "").ToList();
            Assert.Equal(60, subjects.Count);
            Assert.Equal(60, subjects.Distinct().Count());
        }
        finally
        {
            foreach (var app in apps) app.Dispose();
        }
    }

    public void Dispose() => smtp.Dispose();
}
