namespace Questra.Web;

/// <summary><c>ReverseProxy</c>: the load balancers whose <c>X-Forwarded-*</c> headers are believed.</summary>
public sealed class ReverseProxyOptions
{
    public const string Section = "ReverseProxy";

    /// <summary>IP addresses of the proxies in front of the app; empty: forwarded headers are ignored.</summary>
    public string[] KnownProxies { get; set; } = [];
}
