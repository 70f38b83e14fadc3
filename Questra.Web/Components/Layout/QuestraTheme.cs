using MudBlazor;

namespace Questra.Web.Components.Layout;

/// <summary>The dashboard's look: indigo primary, system fonts (nothing is fetched from elsewhere), calm surfaces.</summary>
public static class QuestraTheme
{
    private static readonly string[] Fonts = ["Roboto", "Segoe UI", "system-ui", "-apple-system", "Helvetica Neue", "Arial", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4f46e5",
            PrimaryDarken = "#4338ca",
            Secondary = "#0f766e",
            Error = "#b91c1c",
            Warning = "#92400e",
            Success = "#047857",
            Info = "#1d4ed8",
            Background = "#f7f7fb",
            AppbarBackground = "#ffffff",
            AppbarText = "#111827",
            DrawerBackground = "#ffffff",
            DrawerText = "#374151",
            TextPrimary = "#111827",
            TextSecondary = "#4b5563",
            ActionDefault = "#4b5563",
            LinesDefault = "#e5e7eb",
            TableLines = "#e5e7eb",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Fonts },
            H4 = new H4Typography { FontFamily = Fonts, FontSize = "1.6rem", FontWeight = "500" },
            H5 = new H5Typography { FontFamily = Fonts, FontSize = "1.25rem", FontWeight = "500" },
            H6 = new H6Typography { FontFamily = Fonts, FontSize = "1.1rem", FontWeight = "500" },
            Button = new ButtonTypography { FontFamily = Fonts, TextTransform = "none", FontWeight = "500" },
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "248px", DefaultBorderRadius = "8px" },
    };
}
