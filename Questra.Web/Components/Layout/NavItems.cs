using MudBlazor;

namespace Questra.Web.Components.Layout;

/// <summary>The dashboard's sections, once: the drawer and the small-screen menu of static pages both list these.</summary>
public static class NavItems
{
    public sealed record Item(string Href, string Label, string Icon, bool AdminsOnly = false, bool ExactMatch = false, bool External = false);

    public static readonly IReadOnlyList<Item> All =
    [
        new("/", "Surveys", Icons.Material.Filled.Poll, ExactMatch: true),
        new("/settings/api-keys", "API Keys", Icons.Material.Filled.Key),
        new("/settings", "Settings", Icons.Material.Filled.Settings, ExactMatch: true),
        new("/invitations", "Invitations", Icons.Material.Filled.Mail),
        new("/settings/audit", "Audit log", Icons.Material.Filled.History, AdminsOnly: true),
        new("/api/docs", "API reference", Icons.Material.Filled.MenuBook, External: true),
    ];

    public static IEnumerable<Item> For(bool adminOrOwner) => All.Where(i => !i.AdminsOnly || adminOrOwner);
}
