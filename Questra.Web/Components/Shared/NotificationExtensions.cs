using Questra.Web.Features.Common;
using Radzen;

namespace Questra.Web.Components.Shared;

public static class NotificationExtensions
{
    /// <summary>Tells the user how an action went: the service's own message when it refused, else <paramref name="success"/>.</summary>
    public static void Report(this NotificationService notifications, ServiceError? error, string success) =>
        notifications.Notify(error is null ? NotificationSeverity.Success : NotificationSeverity.Error,
            error is null ? success : error.Message, duration: 4000);
}
