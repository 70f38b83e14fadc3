using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Questra.Web.Tests.Infrastructure;

/// <summary>
/// A real SMTP server for the tests: Debian's aiosmtpd writing every message it accepts into a maildir, which the
/// tests read back. <c>.ci/run</c> installs it (<c>python3-aiosmtpd</c>).
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private System.Diagnostics.Process? server;
    private readonly string maildir = Path.Combine(Path.GetTempPath(), $"questra-mail-{Guid.NewGuid():N}");

    public int Port { get; } = LoopbackPorts.Free();

    /// <summary>Starts (or starts again) the server on <see cref="Port"/>.</summary>
    public async Task StartAsync()
    {
        foreach (var part in new[] { "tmp", "new", "cur" }) Directory.CreateDirectory(Path.Combine(maildir, part)); // a maildir's shape
        var start = new ProcessStartInfo(Python, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", maildir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        server = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("Could not start aiosmtpd.");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException(
                    $"aiosmtpd exited ({await server.StandardError.ReadToEndAsync()}). Install it with 'apt-get install -y python3-aiosmtpd'.");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Stops the server, as an outage would; what it received stays readable.</summary>
    public void Stop()
    {
        if (server is { HasExited: false })
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
        server?.Dispose();
        server = null;
    }

    /// <summary>Every message received so far.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var files = new[] { "new", "cur" }.Select(d => Path.Combine(maildir, d)).Where(Directory.Exists)
            .SelectMany(Directory.GetFiles).Order(StringComparer.Ordinal);
        return files.Select(f => MimeMessage.Load(f)).ToList();
    }

    /// <summary>Waits (up to <paramref name="seconds"/>) until a message to <paramref name="to"/> matching <paramref name="match"/> has arrived.</summary>
    public async Task<MimeMessage> WaitForAsync(string to, Func<MimeMessage, bool>? match = null, int seconds = 20, Func<string>? explain = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var found = Messages().FirstOrDefault(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, to, StringComparison.OrdinalIgnoreCase))
                && (match?.Invoke(m) ?? true));
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No message to {to} within {seconds} s; received: {string.Join(" | ", Messages().Select(m => $"{m.To} {m.Subject}"))}. {explain?.Invoke()}");
            }
            await Task.Delay(100);
        }
    }

    public IReadOnlyList<MimeMessage> To(string address) =>
        Messages().Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();


    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(maildir, recursive: true);
        }
        catch (IOException)
        {
            // a file still held: the temp folder is cleaned by the OS
        }
    }
}

/// <summary>The app with mail on, delivered to an <see cref="SmtpSink"/> of its own.</summary>
public class EmailFactory : QuestraFactory
{
    public EmailFactory() { }

    protected EmailFactory(TestDatabase database) : base(database) { }

    public SmtpSink Smtp { get; } = new();

    /// <summary>What the outbox holds, for a failure message: kind, recipient, attempts, last error.</summary>
    public string OutboxText() => Data.WithDb(db => Task.FromResult(string.Join(" | ", db.OutboxMessages.AsEnumerable()
        .Select(m => $"{m.Kind} to {m.To}: attempts {m.Attempts}, sent {m.SentAt is not null}, {m.LastError}")))).Result
        + "\n" + string.Join("\n", Logs.Lines.Where(l => l.Contains("Outbox") || l.Contains("mail", StringComparison.OrdinalIgnoreCase)).TakeLast(10));

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Email:Enabled", "true");
        builder.UseSetting("Email:From", "Questra <no-reply@questra.test>");
        builder.UseSetting("Email:Smtp:Host", "127.0.0.1");
        builder.UseSetting("Email:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Email:Smtp:Security", "None");
        builder.UseSetting("Email:Outbox:PollMilliseconds", "200");
        builder.UseSetting("Email:PublicBaseUrl", "http://localhost");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Smtp.Dispose();
    }
}

public sealed class PostgresEmailFactory() : EmailFactory(PostgresTestDatabase.Create());

/// <summary>A suite whose app delivers to a running SMTP server: started before each test, stopped after it.</summary>
public abstract class SmtpSuite(EmailFactory factory) : IAsyncLifetime
{
    protected EmailFactory Factory { get; } = factory;

    public async Task InitializeAsync()
    {
        _ = Factory.Services;
        await Factory.Smtp.StartAsync();
    }

    public Task DisposeAsync()
    {
        Factory.Smtp.Stop();
        return Task.CompletedTask;
    }
}
