using Microsoft.AspNetCore.Identity;
using Questra.Web.Data;

namespace Questra.Web.Features.Accounts;

/// <summary>
/// The one place sudo mode is enforced: before an endpoint marked <see cref="RequiresSudoAttribute"/> runs, a
/// signed-in user without a fresh confirmation is sent to "Confirm it's you" (and back afterwards). A GET shows the
/// confirmation instead of the page; a POST is answered the same way, so its handler never runs — the page itself
/// checks nothing and cannot forget to.
/// </summary>
public static class SudoGate
{
    public static IApplicationBuilder UseSudoGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresSudoAttribute>() is not null
            && context.User.Identity?.IsAuthenticated == true)
        {
            var users = context.RequestServices.GetRequiredService<UserManager<ApplicationUser>>();
            var user = await users.GetUserAsync(context.User);
            if (user is null || !await context.RequestServices.GetRequiredService<SudoMode>().IsFreshAsync(context, user))
            {
                // Browsers follow a redirect after a POST with a GET: the confirmation page, not the form's handler.
                var back = Uri.EscapeDataString(context.Request.Path + context.Request.QueryString);
                context.Response.Redirect($"{context.Request.PathBase}/{SudoMode.PagePath}?returnUrl={back}");
                return;
            }
        }
        await next(context);
    });
}
