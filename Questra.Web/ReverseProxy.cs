using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Questra.Web;

/// <summary>
/// Behind a load balancer every request comes from the proxy's address over plain HTTP. Only when the proxies are
/// named (<c>ReverseProxy:KnownProxies</c>) does the app believe their <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> — so the failed-auth throttle and the audit log see the real client, and HTTPS
/// redirection sees the scheme the client used. From anyone else, those headers are ignored.
/// </summary>
public static class ReverseProxy
{
    public static IServiceCollection AddQuestraReverseProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReverseProxyOptions>().BindConfiguration(ReverseProxyOptions.Section);
        var proxies = ReadProxies(configuration);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1; // the address the nearest trusted proxy saw, nothing a client wrote itself
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
        });
        return services;
    }

    public static IApplicationBuilder UseQuestraReverseProxy(this IApplicationBuilder app, IConfiguration configuration) =>
        ReadProxies(configuration).Count > 0 ? app.UseForwardedHeaders() : app;

    private static List<IPAddress> ReadProxies(IConfiguration configuration) =>
        configuration.Read<ReverseProxyOptions>(ReverseProxyOptions.Section).KnownProxies
            .Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => IPAddress.TryParse(p.Trim(), out var ip)
                ? ip
                : throw new InvalidOperationException($"ReverseProxy:KnownProxies holds '{p}', which is not an IP address."))
            .ToList();
}
