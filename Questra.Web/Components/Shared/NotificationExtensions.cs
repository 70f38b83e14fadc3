using MudBlazor;

namespace Questra.Web.Components.Shared;

public static class NotificationExtensions
{
    /// <summary>Tells the user how an action went: the service's own message when it refused, else <paramref name="success"/>.</summary>
    public static void Report(this ISnackbar snackbar, ServiceError? error, string success) =>
        snackbar.Add(error is null ? success : error.Message, error is null ? Severity.Success : Severity.Error);
}
