using Microsoft.Extensions.Options;

namespace Questra.Web.Features.ApiKeys;

/// <summary>Flushes <see cref="UsageRecorder"/> on a timer, and once more when the app stops.</summary>
public sealed class UsageFlushService(UsageRecorder recorder, IOptions<UsageOptions> options, TimeProvider clock, ILogger<UsageFlushService> logger) : BackgroundService
{
    // Counts that cannot be written stay in memory and go with the next flush.
    private readonly OutageNotice outage = new(logger, "Writing API key usage counts");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.FlushSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushLoggingErrors(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the final flush happens in StopAsync.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushLoggingErrors(CancellationToken.None, closing: true);
    }

    private async Task FlushLoggingErrors(CancellationToken ct, bool closing = false)
    {
        try
        {
            await (closing ? recorder.FlushClosingAsync(ct) : recorder.FlushAsync(ct));
            outage.Succeeded();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            outage.Failed(ex);
        }
    }
}
