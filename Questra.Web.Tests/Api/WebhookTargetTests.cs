using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Questra.Web.Features.Webhooks;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>The app as deployed (Production, no network opened): no endpoint may reach this server, a private network or a metadata service.</summary>
public sealed class ProductionWebhookFactory : WebhookFactory
{
    public ProductionWebhookFactory() => Environment = "Production";

    protected override bool OpenLoopback => false;
}

/// <summary>Server-side request forgery: refused when an endpoint is saved, and again at delivery on the address actually connected to.</summary>
public sealed class WebhookTargetTests(ProductionWebhookFactory factory) : IClassFixture<ProductionWebhookFactory>, IAsyncLifetime
{
    private static readonly string[] AllScopes = ["surveys:read", "responses:read", "api_keys:read", "api_keys:write"];
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private async Task<(string Org, HttpClient Admin)> AdminAsync()
    {
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, secret) = await factory.Data.KeyAsync(org, owner, scopes: AllScopes);
        return (org, factory.ApiClient(secret, org));
    }

    [Fact]
    public async Task LoopbackPrivateLinkLocalAndMetadataTargets_AreRefused_WhenSaved()
    {
        Assert.Equal("Production", factory.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);
        factory.Resolver.Answers["metadata.questra.test"] = [IPAddress.Parse("169.254.169.254")];
        factory.Resolver.Answers["intranet.questra.test"] = [IPAddress.Parse("10.0.0.1")];
        factory.Resolver.Answers["split.questra.test"] = [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("127.0.0.1")];
        factory.Resolver.Answers["public.questra.test"] = [IPAddress.Parse("93.184.216.34")];
        var (org, admin) = await AdminAsync();

        foreach (var url in new[]
                 {
                     "https://127.0.0.1/hook", "https://10.0.0.1/hook", "https://169.254.169.254/latest/meta-data/", "https://[::1]/hook",
                     "https://[::ffff:127.0.0.1]/hook", "https://[fd00:ec2::254]/", "https://192.168.1.20/", "https://100.64.0.1/", "https://0.0.0.0/",
                     "https://localhost/hook", "https://metadata.questra.test/", "https://intranet.questra.test/", "https://split.questra.test/",
                     receiver.Url, // http to loopback: not in Production
                     "http://public.questra.test/hook", // http to a public address: https only
                 })
        {
            var refused = await admin.PostAsync("/api/webhooks", Json(new { url, events = new[] { "api_key.created" } }));
            var problem = await Problem.JsonAsync(refused, (HttpStatusCode)422);
            Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), url);
        }
        Assert.Equal(0, await factory.Data.WithDb(db => db.WebhookEndpoints.CountAsync(e => e.OrganizationId == org)));
        Assert.Equal(HttpStatusCode.Created,
            (await admin.PostAsync("/api/webhooks", Json(new { url = "https://public.questra.test/hook", events = new[] { "api_key.created" } }))).StatusCode);
    }

    [Fact]
    public async Task ANameThatLaterResolvesToThisServer_IsRefusedAtDelivery_AndNothingArrives()
    {
        var port = new Uri(receiver.Url).Port;
        factory.Resolver.Answers["rebind.questra.test"] = [IPAddress.Parse("93.184.216.34")];
        var (_, admin) = await AdminAsync();
        var created = await Problem.JsonAsync(await admin.PostAsync("/api/webhooks",
            Json(new { url = $"https://rebind.questra.test:{port}/hook", events = new[] { "api_key.created" } })), HttpStatusCode.Created);
        var endpointId = created.GetProperty("id").GetString()!;

        factory.Resolver.Answers["rebind.questra.test"] = [IPAddress.Parse("127.0.0.1")]; // DNS now points at this server
        await admin.PostAsync($"/api/webhooks/{endpointId}/test", null);
        JsonElement attempt = default;
        await Eventually.HoldsAsync(async () =>
        {
            var d = (await Problem.JsonAsync(await admin.GetAsync($"/api/webhooks/{endpointId}/deliveries"))).GetProperty("data");
            if (d.GetArrayLength() == 0 || d[0].GetProperty("recent_attempts").GetArrayLength() == 0) return false;
            attempt = d[0].GetProperty("recent_attempts")[0];
            return true;
        }, "the refused attempt recorded", 20);

        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("status_code").ValueKind);
        Assert.Equal(WebhookTargets.ConnectRefused("rebind.questra.test"), attempt.GetProperty("error").GetString()); // the internal address is not shown
        Assert.Empty(receiver.All);
    }

    [Fact]
    public void LinkLocalAndMetadata_StayRefused_EvenInANetworkTheOperatorOpened()
    {
        var targets = new WebhookTargets(new FakeWebhookResolver(),
            Options.Create(new WebhookOptions { AllowedNetworks = ["169.254.0.0/16", "10.0.0.0/8", "fd00::/8", "64:ff9b::/96", "2002::/16", "2001::/32"] }),
            factory.Services.GetRequiredService<IHostEnvironment>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<WebhookTargets>.Instance);
        Assert.NotNull(targets.Refusal(IPAddress.Parse("169.254.169.254")));
        Assert.NotNull(targets.Refusal(IPAddress.Parse("fd00:ec2::254")));
        Assert.NotNull(targets.Refusal(IPAddress.Parse("::ffff:169.254.169.254")));
        Assert.NotNull(targets.Refusal(IPAddress.Parse("127.0.0.1")));
        Assert.Null(targets.Refusal(IPAddress.Parse("10.1.2.3"))); // opened
        Assert.True(targets.AllowsHttp(IPAddress.Parse("10.1.2.3")));
        Assert.False(targets.AllowsHttp(IPAddress.Parse("93.184.216.34")));
        Assert.Null(targets.Refusal(IPAddress.Parse("2606:4700::1")));
        // Opening an IPv6 range that carries IPv4 addresses opens only the public ones inside it.
        Assert.NotNull(targets.Refusal(IPAddress.Parse("64:ff9b::a9fe:a9fe"))); // NAT64 form of 169.254.169.254
        Assert.NotNull(targets.Refusal(IPAddress.Parse("64:ff9b::7f00:1"))); // NAT64 form of 127.0.0.1
        Assert.Null(targets.Refusal(IPAddress.Parse("64:ff9b::a00:1"))); // 10.0.0.1: opened as IPv4 too
        Assert.NotNull(targets.Refusal(IPAddress.Parse("64:ff9b::c0a8:101"))); // 192.168.1.1: not opened
        Assert.Null(targets.Refusal(IPAddress.Parse("64:ff9b::5db8:d822"))); // 93.184.216.34: public
        Assert.NotNull(targets.Refusal(IPAddress.Parse("2002:a9fe:a9fe::1"))); // 6to4 around the metadata address
        Assert.NotNull(targets.Refusal(IPAddress.Parse("2001:0:4136:e378:8000:63bf:80ff:fffe"))); // Teredo around 127.0.0.1
        Assert.NotNull(targets.Refusal(IPAddress.Parse("::a9fe:a9fe"))); // IPv4-compatible metadata
        Assert.NotNull(targets.Refusal(IPAddress.Parse("::ffff:0:7f00:1"))); // IPv4-translated (SIIT) form of 127.0.0.1
    }

    [Fact]
    public async Task ANameResolvingInside_IsRefusedWithoutNamingTheAddress()
    {
        factory.Resolver.Answers["inside.questra.test"] = [IPAddress.Parse("10.20.30.40")];
        var (_, admin) = await AdminAsync();
        var problem = await Problem.JsonAsync(await admin.PostAsync("/api/webhooks", Json(new { url = "https://inside.questra.test/hook", events = new[] { "api_key.created" } })),
            (HttpStatusCode)422);
        var message = problem.GetProperty("errors").GetProperty("url")[0].GetString()!;
        Assert.Contains(WebhookTargets.NameRefused, message);
        Assert.DoesNotContain("10.20.30.40", problem.GetRawText());

        // A name that does not resolve at all gets the very same words (no map of which internal names exist).
        factory.Resolver.Answers["nowhere.questra.test"] = [];
        var missing = await Problem.JsonAsync(await admin.PostAsync("/api/webhooks", Json(new { url = "https://nowhere.questra.test/hook", events = new[] { "api_key.created" } })),
            (HttpStatusCode)422);
        Assert.Equal(message.Replace("inside.questra.test", "nowhere.questra.test"), missing.GetProperty("errors").GetProperty("url")[0].GetString());
    }
}
