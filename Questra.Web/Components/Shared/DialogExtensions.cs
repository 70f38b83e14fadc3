using MudBlazor;

namespace Questra.Web.Components.Shared;

public static class DialogExtensions
{
    /// <summary>Asks before a destructive action; true only when the user chose <paramref name="action"/>.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string action, string? consequence = null)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Title, title },
            { d => d.Message, message },
            { d => d.Action, action },
            { d => d.Consequence, consequence },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true, DefaultFocus = DefaultFocus.None });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
