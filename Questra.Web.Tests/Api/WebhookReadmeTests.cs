using System.Net;
using System.Text;
using System.Text.Json;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Api;

/// <summary>The README's Python signature check, run as written against a real delivery (on the real clock: its age check is real too).</summary>
public sealed class WebhookReadmeTests(WebhookFactory factory) : IClassFixture<WebhookFactory>
{
    private static string ReadmePython()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "README.md"))) folder = folder.Parent;
        Assert.NotNull(folder);
        var readme = File.ReadAllText(Path.Combine(folder.FullName, "README.md"));
        var start = readme.IndexOf("```python\nimport base64, hashlib, hmac, time", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README's Python verification snippet");
        start = readme.IndexOf('\n', start) + 1;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task TheReadmesPythonCheck_AcceptsARealDelivery_AndRefusesATamperedOne()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (org, owner) = await factory.Data.OrgWithOwnerAsync();
        var (_, key) = await factory.Data.KeyAsync(org, owner, scopes: ["surveys:read", "responses:read", "api_keys:read", "api_keys:write"]);
        var admin = factory.ApiClient(key, org);
        var created = await Problem.JsonAsync(await admin.PostAsync("/api/webhooks", new StringContent(
            JsonSerializer.Serialize(new { url = receiver.Url, events = new[] { "api_key.created" } }), Encoding.UTF8, "application/json")), HttpStatusCode.Created);
        await admin.PostAsync($"/api/webhooks/{created.GetProperty("id").GetString()}/test", null);
        await receiver.WaitForAsync(r => r.Count == 1, "the test event");
        var r = receiver.All[0];

        var script = Path.Combine(Path.GetTempPath(), $"verify-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, ReadmePython() + """

            import json, sys
            d = json.load(sys.stdin)
            body = d["body"].encode()
            print("genuine" if verify(d["secret"], d["headers"], body) else "refused")
            print("genuine" if verify(d["secret"], d["headers"], body.replace(b"test", b"TEST")) else "refused")
            print("genuine" if verify("whsec_" + "A" * 44, d["headers"], body) else "refused")
            """);
        try
        {
            var input = JsonSerializer.Serialize(new
            {
                secret = created.GetProperty("secret").GetString(),
                headers = new Dictionary<string, string> { ["webhook-id"] = r.Id, ["webhook-timestamp"] = r.Timestamp, ["webhook-signature"] = r.Signature },
                body = r.Body,
            });
            var start = new System.Diagnostics.ProcessStartInfo("python3", [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            using var python = System.Diagnostics.Process.Start(start)!;
            await python.StandardInput.WriteAsync(input);
            python.StandardInput.Close();
            var output = await python.StandardOutput.ReadToEndAsync();
            var errors = await python.StandardError.ReadToEndAsync();
            await python.WaitForExitAsync();
            Assert.True(python.ExitCode == 0, errors);
            Assert.Equal(["genuine", "refused", "refused"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(script);
        }
    }
}
