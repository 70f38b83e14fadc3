using Npgsql;

namespace Questra.Web.Data;

/// <summary>
/// Connections for the one long-lived <c>LISTEN</c> of an instance (on PostgreSQL): unpooled, TCP keepalive on,
/// a short connect timeout, a cancelled command drops the connection at once instead of waiting for a server that
/// may be frozen, and an application name carrying the process id so an operator (or a fault test) can find the
/// backend that serves it in <c>pg_stat_activity</c>.
/// </summary>
public sealed record ChannelDataSource(NpgsqlDataSource Source)
{
    public static string ApplicationName(int processId) => $"questra-listener-{processId}";

    public static NpgsqlDataSource Build(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        settings.Pooling = false;
        settings.TcpKeepAlive = true;
        settings.TcpKeepAliveTime = 5;
        settings.TcpKeepAliveInterval = 1;
        settings.Timeout = Math.Min(settings.Timeout, 5);
        settings.CancellationTimeout = -1;
        settings.ApplicationName = ApplicationName(Environment.ProcessId);
        return builder.Build();
    }
}
