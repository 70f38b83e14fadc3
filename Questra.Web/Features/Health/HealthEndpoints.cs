using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Questra.Web.Data;
using Questra.Web.Features.Email;

namespace Questra.Web.Features.Health;

/// <summary>
/// Two questions a load balancer or an orchestrator asks. <c>/healthz</c> (liveness): is the process answering?
/// It checks nothing else, so a database outage never gets a healthy instance restarted. <c>/healthz/ready</c>
/// (readiness): should traffic come here? The database must answer a read within <see cref="Timeout"/> (else
/// 503, Unhealthy); an SMTP server that cannot be reached makes it Degraded (still 200: mail waits in the outbox).
/// The answer names each check and its state, never an address, a connection string or an exception's text.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static IServiceCollection AddQuestraHealth(this IServiceCollection services)
    {
        // Singletons, so each keeps its last answer for a moment: a flood of probes is not a flood of reads or connections.
        services.AddSingleton<DatabaseReadiness>();
        services.AddSingleton<SmtpReachability>();
        services.AddHealthChecks()
            .AddCheck<DatabaseReadiness>("database", HealthStatus.Unhealthy, [ReadyTag], Timeout)
            .AddCheck<SmtpReachability>("smtp", HealthStatus.Degraded, [ReadyTag], Timeout)
            .AddCheck<SharedLimitsReachability>("limits", HealthStatus.Degraded, [ReadyTag], Timeout);
        return services;
    }

    public static WebApplication MapQuestraHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteAsync,
        });
        return app;
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new Dictionary<string, object>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => new Dictionary<string, object?>
            {
                ["status"] = e.Value.Status.ToString(),
                ["description"] = e.Value.Description,
                ["duration_ms"] = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}

/// <summary>A check whose answer is kept for <paramref name="keepFor"/>: probes more often than that are answered from it.</summary>
public abstract class KeptCheck(TimeSpan keepFor) : IHealthCheck
{
    private sealed record Kept(HealthCheckResult Result, long At);

    private Kept? last; // one reference, so concurrent probes never read half of an answer

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref last) is { } kept && Environment.TickCount64 - kept.At < (long)keepFor.TotalMilliseconds) return kept.Result;
        var result = await RunAsync(context, cancellationToken);
        Volatile.Write(ref last, new Kept(result, Environment.TickCount64));
        return result;
    }

    protected abstract Task<HealthCheckResult> RunAsync(HealthCheckContext context, CancellationToken cancellationToken);
}

/// <summary>The database answers a read of a real table (on the connections the API's reads use) within the timeout; kept 1 s.</summary>
public sealed class DatabaseReadiness(PreparedReads database) : KeptCheck(TimeSpan.FromSeconds(1))
{
    private const string Sql = """SELECT count(*) FROM "Organizations" WHERE "Id" = ''""";

    protected override async Task<HealthCheckResult> RunAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await ReadAsync(cancellationToken).WaitAsync(HealthEndpoints.Timeout, cancellationToken);
            return HealthCheckResult.Healthy("answers");
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"no answer within {HealthEndpoints.Timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (DatabaseOutage.IsCause(e) || e is System.Data.Common.DbException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "cannot be reached");
        }
    }

    private async Task ReadAsync(CancellationToken ct)
    {
        await using var session = await database.OpenAsync(ct);
        await session.Command(Sql).ExecuteScalarAsync(ct);
    }
}

/// <summary>
/// With <c>Limits:Redis</c>: Redis is connected (limits shared by every instance); Degraded while it is not (each
/// instance counts alone). Without it: healthy, limits are this instance's by design.
/// </summary>
public sealed class SharedLimitsReachability(Questra.Web.Features.ApiKeys.SharedWindows shared) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Task.FromResult(
        !shared.Enabled ? HealthCheckResult.Healthy("counted per instance (no Limits:Redis)")
        : shared.Connected ? HealthCheckResult.Healthy("shared through Redis")
        : new HealthCheckResult(context.Registration.FailureStatus, "Redis cannot be reached: each instance counts alone"));
}

/// <summary>
/// The SMTP server accepts a connection within the timeout (nothing is sent). Mail off or no server configured
/// (Development's outbox page) is healthy: there is nothing to reach. Kept 10 s (a mail server is not to be
/// knocked at by every probe).
/// </summary>
public sealed class SmtpReachability(IOptionsMonitor<EmailOptions> options) : KeptCheck(TimeSpan.FromSeconds(10))
{
    protected override async Task<HealthCheckResult> RunAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var email = options.CurrentValue;
        if (!email.Enabled) return HealthCheckResult.Healthy("mail is off");
        if (!email.HasSmtp) return HealthCheckResult.Healthy("no SMTP server: mail stays in the outbox");
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(email.Smtp.Host!, email.Smtp.Port, cancellationToken).AsTask().WaitAsync(HealthEndpoints.Timeout, cancellationToken);
            return HealthCheckResult.Healthy("accepts connections");
        }
        catch (Exception e) when (e is SocketException or TimeoutException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "cannot be reached: mail waits in the outbox");
        }
    }
}
