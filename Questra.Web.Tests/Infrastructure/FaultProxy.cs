using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Questra.Web.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on loopback between the app and its database, to inject network faults without touching the shared
/// test server: <see cref="Down"/> resets every connection and refuses new ones (the server stopped),
/// <see cref="Freeze"/> keeps connections open but forwards nothing (a hung server, a dead NAT entry), and
/// <see cref="Up"/> forwards again.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private enum Mode { Up, Frozen, Down }

    private readonly IPEndPoint target;
    private readonly ConcurrentDictionary<TcpClient, byte> connections = new();
    private readonly CancellationTokenSource stopping = new();
    private TcpListener? listener;
    private volatile Mode mode = Mode.Up;

    public int Port { get; }

    private FaultProxy(IPEndPoint target, int port)
    {
        this.target = target;
        Port = port;
        Listen();
    }

    /// <summary>A proxy to <paramref name="host"/>:<paramref name="port"/> on a free loopback port.</summary>
    public static FaultProxy To(string host, int port) =>
        new(new IPEndPoint(Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork), port), LoopbackPorts.Free());

    private void Listen()
    {
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        var mine = listener;
        _ = Task.Run(async () =>
        {
            while (!stopping.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await mine.AcceptTcpClientAsync(stopping.Token);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    return; // stopped listening (down) or disposed
                }
                _ = Task.Run(() => ServeAsync(client));
            }
        });
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var server = new TcpClient();
        connections[client] = 0;
        connections[server] = 0;
        try
        {
            await server.ConnectAsync(target, stopping.Token);
            using var fromClient = client.GetStream();
            using var fromServer = server.GetStream();
            await Task.WhenAny(PumpAsync(fromClient, fromServer), PumpAsync(fromServer, fromClient));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // a side closed, or the proxy reset it
        }
        finally
        {
            connections.TryRemove(client, out _);
            connections.TryRemove(server, out _);
            client.Dispose();
        }
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, stopping.Token)) > 0)
        {
            while (mode == Mode.Frozen) await Task.Delay(20, stopping.Token); // hold the bytes, as a hung peer would
            if (mode == Mode.Down) return;
            await to.WriteAsync(buffer.AsMemory(0, read), stopping.Token);
        }
    }

    /// <summary>The server is gone: every open connection is reset and new ones are refused.</summary>
    public void Down()
    {
        mode = Mode.Down;
        listener?.Stop();
        listener = null;
        foreach (var connection in connections.Keys)
        {
            try
            {
                connection.Client?.LingerState = new LingerOption(true, 0); // RST, as a dead server's host answers
            }
            catch (ObjectDisposedException)
            {
                // closed meanwhile
            }
            connection.Dispose();
        }
    }

    /// <summary>Connections stay open but nothing gets through; new ones are accepted and hang too.</summary>
    public void Freeze() => mode = Mode.Frozen;

    /// <summary>Forwarding again (and listening again after <see cref="Down"/>).</summary>
    public void Up()
    {
        if (mode == Mode.Down) Listen();
        mode = Mode.Up;
    }

    public ValueTask DisposeAsync()
    {
        stopping.Cancel();
        listener?.Stop();
        foreach (var connection in connections.Keys) connection.Dispose();
        stopping.Dispose();
        return ValueTask.CompletedTask;
    }
}
