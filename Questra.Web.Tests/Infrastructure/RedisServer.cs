using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Questra.Web.Tests.Infrastructure;

/// <summary>
/// A throwaway Redis for the shared-limit tests: Debian's <c>redis-server</c> on a free loopback port, nothing
/// saved to disk. <c>.ci/run</c> installs it; without it these tests fail, never skip.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private System.Diagnostics.Process? server;

    public int Port { get; } = LoopbackPorts.Free();

    /// <summary>What <c>Limits:Redis</c> is set to for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var redis = new RedisServer();
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts the server (again, after <see cref="Stop"/>) on the same port, and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        if (!File.Exists(Binary)) throw new InvalidOperationException($"{Binary} is missing: install it with 'apt-get install -y redis-server'.");
        server = System.Diagnostics.Process.Start(new ProcessStartInfo(Binary,
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not start redis-server.");
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        await Eventually.HoldsAsync(async () =>
        {
            if (server.HasExited) throw new InvalidOperationException($"redis-server exited with code {server.ExitCode}.");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                await using var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer);
                return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
            }
            catch (SocketException)
            {
                return false;
            }
        }, "redis-server answers PING", seconds: 20);
    }

    /// <summary>
    /// Waits until the server's clock (which numbers the shared windows) is early in a minute, so a test's few
    /// requests fall in one window.
    /// </summary>
    public Task EarlyInAMinuteAsync(int withinSeconds = 30) => Eventually.HoldsAsync(async () =>
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync("TIME\r\n"u8.ToArray());
        var buffer = new byte[128];
        var read = await stream.ReadAsync(buffer);
        var seconds = long.Parse(System.Text.Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[2], System.Globalization.CultureInfo.InvariantCulture);
        return seconds % 60 < withinSeconds;
    }, $"the first {withinSeconds} s of a minute on Redis's clock", seconds: 70);

    /// <summary>Kills the server (an outage).</summary>
    public void Stop()
    {
        if (server is { HasExited: false })
        {
            server.Kill();
            server.WaitForExit();
        }
        server?.Dispose();
        server = null;
    }

    public void Dispose() => Stop();
}
