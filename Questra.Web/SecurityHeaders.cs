namespace Questra.Web;

public static class SecurityHeaders
{
    /// <summary>
    /// A content security policy that Blazor Server (its script and WebSocket) and MudBlazor (inline styles) work
    /// under, with no inline or third-party script; no framing; no MIME sniffing; no referrer leaks.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseQuestraSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            Apply(context.Response.Headers);
            return next(context);
        });

    /// <summary>Sets the headers on an answer (again, on one that was cleared to answer an error instead).</summary>
    public static void Apply(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }
}
