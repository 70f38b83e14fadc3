using MudBlazor;

namespace Questra.Web.Components.Layout;

/// <summary>The dashboard's sections, once: the drawer and the small-screen menu of static pages both list these.</summary>
public static class NavItems
{
    /// <summary>
    /// A section: its address, label and icon; whether only owners and admins see it; whether it is highlighted on its
    /// own address only; whether it opens in a new tab; and <c>ActiveUnder</c>, a path whose pages also belong to it (a
    /// survey's editor and results belong to Surveys).
    /// </summary>
    public sealed record Item(string Href, string Label, string Icon, bool AdminsOnly = false, bool ExactMatch = false, bool External = false,
        string? ActiveUnder = null)
    {
        /// <summary>Whether the link is highlighted only on its own address, on the page at <paramref name="path"/> (base-relative).</summary>
        public bool MatchesExactlyOn(string path) =>
            ExactMatch && !(ActiveUnder is { } under && ("/" + path).StartsWith(under, StringComparison.OrdinalIgnoreCase));
    }

    public static readonly IReadOnlyList<Item> All =
    [
        new("/", "Surveys", Icons.Material.Filled.Poll, ExactMatch: true, ActiveUnder: "/surveys/"),
        new("/settings/api-keys", "API Keys", Icons.Material.Filled.Key),
        new("/settings", "Settings", Icons.Material.Filled.Settings, ExactMatch: true),
        new("/invitations", "Invitations", Icons.Material.Filled.Mail),
        new("/settings/webhooks", "Webhooks", Icons.Material.Filled.Webhook, AdminsOnly: true),
        new("/settings/audit", "Audit log", Icons.Material.Filled.History, AdminsOnly: true),
        new("/api/docs", "API reference", Icons.Material.Filled.MenuBook, External: true),
    ];

    public static IEnumerable<Item> For(bool adminOrOwner) => All.Where(i => !i.AdminsOnly || adminOrOwner);
}
