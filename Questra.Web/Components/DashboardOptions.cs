using System.ComponentModel.DataAnnotations;

namespace Questra.Web.Components;

/// <summary>
/// <c>Dashboard</c>: what an open tab (a Blazor circuit, ~1 MB of server memory each; bench/RESULTS.md) may hold on
/// to. Without bounds one person opening tabs, or a script opening circuits, grows the server's memory without end.
/// </summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>Open dashboard tabs one person may have on one instance; the next one says so instead of working.</summary>
    [Range(1, 1000)]
    public int MaxTabsPerUser { get; set; } = 20;

    /// <summary>
    /// How long a tab whose connection dropped is kept so that it can reconnect with its state (Blazor's default is
    /// 3 minutes); after that, reconnecting reloads the page.
    /// </summary>
    [Range(5, 3600)]
    public int DisconnectedTabSeconds { get; set; } = 60;

    /// <summary>At most this many disconnected tabs are kept per instance, the oldest let go first (Blazor's default: 100).</summary>
    [Range(0, 10_000)]
    public int MaxDisconnectedTabs { get; set; } = 100;
}
