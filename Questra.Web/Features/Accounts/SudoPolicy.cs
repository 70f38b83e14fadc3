using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Identity;
using Questra.Web.Data;

namespace Questra.Web.Features.Accounts;

/// <summary>
/// Sudo mode as an authorization policy: an account page a stolen session could abuse (turning two-factor off or
/// resetting it, new recovery codes, changing the email, deleting the account) carries
/// <c>[Authorize(Policy = SudoPolicy.Name)]</c>. The authorization middleware then lets no request reach it —
/// showing it, or posting its form — without a fresh "Confirm it's you" (<see cref="SudoMode"/>); the page itself
/// checks nothing and cannot forget to.
/// </summary>
public static class SudoPolicy
{
    public const string Name = "Sudo";

    public static IServiceCollection AddSudoPolicy(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(Name, p => p.RequireAuthenticatedUser().AddRequirements(new SudoRequirement()));
        services.AddHttpContextAccessor();
        // A singleton that asks for the account services only when a sudo page is authorized: the authorization of
        // every other request (each API call) constructs every registered handler, and Identity's are not cheap.
        services.AddSingleton<IAuthorizationHandler, SudoHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, SudoChallenge>();
        return services;
    }
}

/// <summary>Met when this browser confirmed the password and a code for the signed-in user within <see cref="SudoMode.Window"/>.</summary>
public sealed class SudoRequirement : IAuthorizationRequirement;

/// <remarks>
/// Asked twice per page request: by the authorization middleware (the resource is the request) and again by the
/// router's <c>AuthorizeRouteView</c> (the resource is the route), which renders the same request on the server.
/// Without a request (an interactive circuit) the proof cannot be read, and the requirement is not met.
/// </remarks>
internal sealed class SudoHandler(IHttpContextAccessor request) : AuthorizationHandler<SudoRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, SudoRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated != true) return;
        // The request being answered: never a circuit's long-lived connection, whose cookies are those of when it opened.
        if ((context.Resource as HttpContext ?? request.HttpContext) is not { } http || http.WebSockets.IsWebSocketRequest) return;
        // Read once per request, though asked twice.
        if (http.Items[typeof(SudoRequirement)] is not bool fresh)
        {
            var users = http.RequestServices.GetRequiredService<UserManager<ApplicationUser>>();
            fresh = await users.GetUserAsync(context.User) is { } user && await http.RequestServices.GetRequiredService<SudoMode>().IsFreshAsync(http, user);
            http.Items[typeof(SudoRequirement)] = fresh;
        }
        if (fresh) context.Succeed(requirement);
    }
}

/// <summary>
/// A signed-in user refused only for want of a fresh confirmation is sent to "Confirm it's you" and back afterwards,
/// not to "access denied". Browsers follow a redirect after a POST with a GET, so a form's handler never runs.
/// </summary>
internal sealed class SudoChallenge : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler others = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<SudoRequirement>().Any() == true)
        {
            var back = Uri.EscapeDataString(context.Request.Path + context.Request.QueryString);
            context.Response.Redirect($"{context.Request.PathBase}/{SudoMode.PagePath}?returnUrl={back}");
            return Task.CompletedTask;
        }
        return others.HandleAsync(next, context, policy, authorizeResult);
    }
}
