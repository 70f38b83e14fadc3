using OpenTelemetry.Metrics;

namespace Questra.Web.Features.Telemetry;

/// <summary>
/// <c>Metrics</c>: off unless <c>Metrics:Enabled</c>. When on, Prometheus scrapes <c>/metrics</c> on a port of its
/// own (<c>Metrics:Port</c>, 9464 by default), added to the addresses the app listens on; that port answers
/// nothing else, and the public ports never answer <c>/metrics</c>. The port is told apart by the connection's own
/// local port, never by a header a client sends. With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, metrics are also
/// pushed over OTLP.
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";
    public bool Enabled { get; set; }
    public int Port { get; set; } = 9464;
}

public static class TelemetryExtensions
{
    /// <summary>
    /// JSON console logs when <c>Logging:Console:FormatterName</c> is <c>json</c>: one object per line, UTC
    /// timestamps, and the scopes — among them the request's <c>TraceId</c> and <c>SpanId</c>, so a log line leads
    /// to its trace (an incoming <c>traceparent</c> is kept).
    /// </summary>
    public static WebApplicationBuilder AddQuestraLogFormat(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });
        return builder;
    }

    public static WebApplicationBuilder AddQuestraMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OutboxBacklog>();
        builder.Services.AddSingleton<QuestraMetrics>();
        // Whether the exporter and its port exist at all is decided before the container: read as SettingsReader says.
        var options = builder.Configuration.Read<MetricsOptions>(MetricsOptions.Section);
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section)
            .Validate(o => !o.Enabled || o.Port is > 0 and < 65536, "Metrics:Port must be 1–65535.")
            .ValidateOnStart();
        if (!options.Enabled) return builder;
        var metrics = builder.Services.AddOpenTelemetry().WithMetrics(m =>
        {
            // ASP.NET Core's own meters (requests by route, method and status; unhandled errors), not Kestrel's (those
            // label connections with the listening address).
            m.AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", QuestraMetrics.MeterName)
                .AddPrometheusExporter();
            if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) m.AddOtlpExporter();
        });
        builder.WebHost.UseUrls([.. AppAddresses(builder.WebHost), $"http://+:{options.Port}"]);
        return builder;
    }

    // The addresses the app would listen on without the scrape port: --urls or ASPNETCORE_URLS, else the ports of
    // ASPNETCORE_HTTP_PORTS / ASPNETCORE_HTTPS_PORTS (as container images set them), else Kestrel's default.
    private static IEnumerable<string> AppAddresses(ConfigureWebHostBuilder host)
    {
        static string[] Split(string? value) => (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var urls = Split(host.GetSetting(WebHostDefaults.ServerUrlsKey));
        if (urls.Length > 0) return urls;
        var ports = Split(host.GetSetting(WebHostDefaults.HttpPortsKey)).Select(p => $"http://*:{p}")
            .Concat(Split(host.GetSetting(WebHostDefaults.HttpsPortsKey)).Select(p => $"https://*:{p}")).ToList();
        return ports.Count > 0 ? ports : ["http://localhost:5000"];
    }

    /// <summary>First in the pipeline: the metrics port answers <c>/metrics</c> and 404 to everything else.</summary>
    public static WebApplication UseQuestraMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsOptions>>().Value;
        if (!options.Enabled) return app;
        var port = options.Port;
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Connection.LocalPort == port && context.Request.Path == "/metrics");
        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort != port) return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app;
    }
}
