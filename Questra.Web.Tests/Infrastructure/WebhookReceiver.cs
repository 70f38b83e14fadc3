using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Questra.Web.Tests.Infrastructure;

/// <summary>
/// A webhook receiver on a loopback port, as a team would run one: records every request (the three Standard
/// Webhooks headers and the body) and answers as <see cref="Respond"/> says. Checks signatures with its own code,
/// not the app's.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Id, string Timestamp, string Signature, string Body, string ContentType, DateTimeOffset At)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
        public string Type => Json.GetProperty("type").GetString()!;
        public JsonElement Data => Json.GetProperty("data");
    }

    private readonly WebApplication app;
    private readonly ConcurrentQueue<Received> received = new();

    private WebhookReceiver(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    /// <summary>Where to point an endpoint: <c>http://127.0.0.1:{port}/hook</c>.</summary>
    public string Url { get; }

    /// <summary>The answer's status code for a request (default 204); may wait, to play a slow receiver.</summary>
    public Func<Received, Task<int>> Respond { get; set; } = _ => Task.FromResult(204);

    public IReadOnlyList<Received> All => received.ToList();

    public IReadOnlyList<Received> OfType(string type) => All.Where(r => r.Type == type).ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookReceiver? self = null;
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var r = new Received(http.Request.Headers["webhook-id"].ToString(), http.Request.Headers["webhook-timestamp"].ToString(),
                http.Request.Headers["webhook-signature"].ToString(), body, http.Request.ContentType ?? "", DateTimeOffset.UtcNow);
            self!.received.Enqueue(r);
            http.Response.StatusCode = await self.Respond(r);
            await http.Response.WriteAsync(http.Response.StatusCode >= 400 ? "receiver says no\u0007 <b>bold</b>" : "ok");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new WebhookReceiver(app, address.TrimEnd('/') + "/hook");
        return self;
    }

    /// <summary>The Standard Webhooks check: one of the space-separated <c>v1,</c> signatures is HMAC-SHA256 of <c>id.timestamp.body</c> under the secret's bytes.</summary>
    public static bool Verifies(string secret, Received r)
    {
        Assert.StartsWith("whsec_", secret);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{r.Id}.{r.Timestamp}.{r.Body}")));
        return r.Signature.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }

    public Task WaitForAsync(Func<IReadOnlyList<Received>, bool> condition, string what, int seconds = 20) =>
        Eventually.HoldsAsync(() => Task.FromResult(condition(All)), () => what + " (received by then: " + string.Join(", ", All.Select(r => $"{r.Type} {r.Id}")) + ")", seconds);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>A resolver that answers from a table (a name may change its answer, as DNS rebinding does); unknown names go to real DNS.</summary>
public sealed class FakeWebhookResolver : Questra.Web.Features.Webhooks.IWebhookResolver
{
    public ConcurrentDictionary<string, IPAddress[]> Answers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        Answers.TryGetValue(host, out var found) ? Task.FromResult(found) : Dns.GetHostAddressesAsync(host, ct);
}

/// <summary>The app with webhooks sent to a receiver on this machine: the operator opened 127.0.0.1 (as for an internal receiver).</summary>
public class WebhookFactory : QuestraFactory
{
    public WebhookFactory() { }

    protected WebhookFactory(TestDatabase database) : base(database) { }

    public FakeWebhookResolver Resolver { get; } = new();

    protected virtual bool OpenLoopback => true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (OpenLoopback) builder.UseSetting("Webhooks:AllowedNetworks:0", "127.0.0.1/32");
        builder.UseSetting("Webhooks:PollMilliseconds", "100");
        builder.UseSetting("Webhooks:TimeoutSeconds", "10"); // a receiver on a loaded 2-core machine may answer late; a timeout means a retry minutes away
        builder.ConfigureServices(services =>
            services.AddSingleton<Questra.Web.Features.Webhooks.IWebhookResolver>(Resolver));
    }
}

public sealed class PostgresWebhookFactory() : WebhookFactory(PostgresTestDatabase.Create());
