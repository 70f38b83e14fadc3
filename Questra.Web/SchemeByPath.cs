using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web;

/// <summary>
/// One door per request: the default authentication scheme sends everything under <c>/api</c> to API keys and
/// everything else to the dashboard's sign-in cookie. An API request never runs the cookie handler (a browser's
/// cookie means nothing there, and is neither read nor renewed), and a dashboard request never reads an
/// <c>Authorization</c> header. Endpoints name no scheme: they require a signed-in user, and this says by what.
/// </summary>
public static class SchemeByPath
{
    public const string Name = "QuestraByPath";

    public static bool IsApi(PathString path) => path.StartsWithSegments("/api");

    /// <summary>The scheme a request is authenticated, challenged and forbidden with.</summary>
    public static string For(HttpContext context) =>
        IsApi(context.Request.Path) ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme;

    internal static AuthenticationBuilder AddSchemeByPath(this AuthenticationBuilder authentication) =>
        authentication.AddPolicyScheme(Name, displayName: null, o => o.ForwardDefaultSelector = For);
}
