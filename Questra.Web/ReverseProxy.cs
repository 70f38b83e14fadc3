using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Questra.Web;

/// <summary>
/// Behind a load balancer every request comes from the proxy's address over plain HTTP. Only when the proxies are
/// named (<c>ReverseProxy:KnownProxies</c>) does the app believe their <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> — so the failed-auth throttle and the audit log see the real client, and HTTPS
/// redirection sees the scheme the client used. From anyone else, those headers are ignored.
/// </summary>
public static class ReverseProxy
{
    public static IServiceCollection AddQuestraReverseProxy(this IServiceCollection services)
    {
        services.AddOptions<ReverseProxyOptions>().BindConfiguration(ReverseProxyOptions.Section)
            .Validate(o => o.KnownProxies.All(p => string.IsNullOrWhiteSpace(p) || IPAddress.TryParse(p.Trim(), out _)),
                "ReverseProxy:KnownProxies holds an entry that is not an IP address.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxyOptions>>((o, proxy) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1; // the address the nearest trusted proxy saw, nothing a client wrote itself
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var known in Proxies(proxy.Value)) o.KnownProxies.Add(known);
        });
        return services;
    }

    public static IApplicationBuilder UseQuestraReverseProxy(this IApplicationBuilder app) =>
        Proxies(app.ApplicationServices.GetRequiredService<IOptions<ReverseProxyOptions>>().Value).Any() ? app.UseForwardedHeaders() : app;

    private static IEnumerable<IPAddress> Proxies(ReverseProxyOptions options) =>
        options.KnownProxies.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => IPAddress.Parse(p.Trim()));
}
