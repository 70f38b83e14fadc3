using System.Net;
using System.Net.Sockets;
using System.Text;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Process;

/// <summary>
/// A request body that arrives slower than Kestrel's minimum data rate (240 bytes/s after a 5 s grace) is answered
/// 408, not 500 with an error and a stack in the log — and other clients are served meanwhile.
/// </summary>
[Collection(AppProcessCollection.Name)]
public sealed class SlowBodyTests
{
    [Fact]
    public async Task ABodyTrickledInSlowerThanTheMinimumRate_Is408_WithoutAStackInTheLog()
    {
        var path = DatabaseFiles.NewPath("slow-body");
        using var database = new SqliteTestDatabase(path, deleteOnDispose: true);
        var (org, secret) = await AppProcess.SeedAdminKeyAsync(path);
        using var app = await AppProcess.StartAsync(database);
        var uri = new Uri(app.BaseUrl);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        const string body = """{"name":"trickled in one byte at a time, far slower than any real client sends"}""";
        var head = $"POST /api/api-keys HTTP/1.1\r\nHost: {uri.Authority}\r\nAuthorization: Bearer {secret}\r\nX-Org-Id: {org}\r\n" +
                   $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        // One byte a second (the grace period is 5 s) until the server answers.
        var reading = ReadAnswerAsync(stream);
        foreach (var b in Encoding.UTF8.GetBytes(body))
        {
            if (reading.IsCompleted) break;
            try
            {
                await stream.WriteAsync(new[] { b });
            }
            catch (IOException)
            {
                break; // the server closed its side after answering
            }
            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(1)));
        }
        var answer = await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 408", answer);
        Assert.Contains("arrived too slowly", answer, StringComparison.Ordinal);
        // A normal client is served meanwhile and after.
        using var client = new HttpClient { BaseAddress = uri };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.DoesNotContain("   at ", app.OutputText, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", app.OutputText, StringComparison.Ordinal);
    }

    private static async Task<string> ReadAnswerAsync(NetworkStream stream)
    {
        var buffer = new byte[16 * 1024];
        var text = new StringBuilder();
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            if (text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && text.ToString().Contains('}')) break;
        }
        return text.ToString();
    }
}
