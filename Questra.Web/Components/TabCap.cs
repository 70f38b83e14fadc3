using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;

namespace Questra.Web.Components;

/// <summary>
/// The open dashboard tabs (circuits) of each signed-in person on this instance, connected or kept for a reconnect.
/// Up to <see cref="DashboardOptions.MaxTabsPerUser"/> work; the next as many open but show only a notice (a small
/// circuit: no page behind it); beyond that a tab's circuit is refused outright, so one person — or a script with
/// their cookie — cannot grow the server's memory without end. A tab closed in the browser frees its place at once;
/// one whose connection dropped, after <see cref="DashboardOptions.DisconnectedTabSeconds"/>.
/// </summary>
public sealed partial class TabCounts(IOptions<DashboardOptions> options, ILogger<TabCounts> logger)
{
    private readonly ConcurrentDictionary<string, int> open = new(StringComparer.Ordinal);

    public int Limit => options.Value.MaxTabsPerUser;

    /// <summary>Takes a place for one more tab of <paramref name="userId"/>, if any: a working one, or one that only shows the notice.</summary>
    public TabPlace TryOpen(string userId)
    {
        while (true)
        {
            var current = open.GetOrAdd(userId, 0);
            if (current >= 2 * Limit)
            {
                return TabPlace.None;
            }
            if (!open.TryUpdate(userId, current + 1, current)) continue;
            if (current < Limit) return TabPlace.Working;
            if (current == Limit) TooMany(logger, userId, Limit);
            return TabPlace.NoticeOnly;
        }
    }

    public void Close(string userId)
    {
        while (open.TryGetValue(userId, out var current))
        {
            if (current <= 1 ? open.TryRemove(new KeyValuePair<string, int>(userId, current)) : open.TryUpdate(userId, current - 1, current)) return;
        }
    }

    public int OpenTabsOf(string userId) => open.TryGetValue(userId, out var n) ? n : 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} has more than {Limit} dashboard tabs open on this instance (Dashboard:MaxTabsPerUser); further tabs show a notice only.")]
    private static partial void TooMany(ILogger logger, string userId, int limit);
}

public enum TabPlace
{
    Working,
    NoticeOnly,
    None,
}

/// <summary>Per tab: takes its place in <see cref="TabCounts"/> when the circuit opens, gives it back when it closes.</summary>
internal sealed class TabCapHandler(AuthenticationStateProvider auth, TabCounts counts, TabAllowance allowance) : CircuitHandler
{
    private const string Anonymous = "(signed out)";

    private string? counted;

    public override int Order => -100; // before the handlers that do work for the tab

    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        var user = (await auth.GetAuthenticationStateAsync()).User;
        // Signed-out circuits (a not-found page) share one allowance: a script without a cookie is bounded too.
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? Anonymous;
        var place = counts.TryOpen(userId);
        if (place == TabPlace.None)
        {
            throw new InvalidOperationException($"Too many dashboard tabs open: this one was refused (Dashboard:MaxTabsPerUser is {counts.Limit}).");
        }
        counted = userId;
        if (place == TabPlace.NoticeOnly) allowance.Refuse(counts.Limit);
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (counted is not null) counts.Close(counted);
        counted = null;
        return Task.CompletedTask;
    }
}

/// <summary>Whether this tab got a place; the layout shows a notice instead of the page when it did not.</summary>
public sealed class TabAllowance
{
    public int? RefusedOver { get; private set; }

    public void Refuse(int limit) => RefusedOver = limit;
}
