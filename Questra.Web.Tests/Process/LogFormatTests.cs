using System.Text.Json;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Process;

/// <summary>
/// <c>Logging:Console:FormatterName=json</c>: every line the app prints is one JSON object, and a line written while
/// a request runs carries the request's trace id (the one in its <c>traceparent</c>).
/// </summary>
[Collection(AppProcessCollection.Name)]
public sealed class LogFormatTests
{
    [Fact]
    public async Task JsonLogs_AreOneObjectPerLine_WithTheRequestsTraceId()
    {
        using var database = new SqliteTestDatabase(DatabaseFiles.NewPath("json-logs"), deleteOnDispose: true);
        using var app = await AppProcess.StartAsync(database,
            ("Logging:Console:FormatterName", "json"),
            ("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Information"));
        var traceId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{app.BaseUrl}/healthz");
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}-01");
        Assert.True((await new HttpClient().SendAsync(request)).IsSuccessStatusCode);
        await app.WaitForOutputAsync(traceId, TimeSpan.FromSeconds(10));

        var lines = app.OutputText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList(); // throws on a line that is not JSON
        Assert.All(entries, e => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", e.GetProperty("Timestamp").GetString()!));
        var requestLine = entries.First(e => e.GetRawText().Contains(traceId, StringComparison.Ordinal));
        Assert.Contains(requestLine.GetProperty("Scopes").EnumerateArray(),
            scope => scope.TryGetProperty("TraceId", out var id) && id.GetString() == traceId);
    }
}
