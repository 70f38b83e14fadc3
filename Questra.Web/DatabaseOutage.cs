using Microsoft.Data.Sqlite;
using Npgsql;

namespace Questra.Web;

/// <summary>
/// When the database cannot be reached (down, frozen past the short timeouts, locked by another process, or out of
/// disk), a request answers <c>503 Service Unavailable</c> with <c>Retry-After</c> — a problem body on the API, a
/// plain page that needs no database in the dashboard — never a 500 or a stack trace. The client knows its request
/// did not take (a revoke in particular) and when to try again. An outage is logged as one warning per
/// <see cref="ReportEvery"/> with the number of requests refused, not one error with a stack per request.
/// </summary>
public sealed partial class DatabaseOutage(ILogger<DatabaseOutage> logger, TimeProvider clock)
{
    public const int RetryAfterSeconds = 5;
    public static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(30);

    public const string ApiDetail =
        "The service is temporarily unavailable (its database cannot be reached), so this request was not carried out. Retry after 5 seconds.";

    private readonly Lock gate = new();
    private DateTimeOffset lastReported = DateTimeOffset.MinValue;
    private int refusedSinceReport;

    /// <summary>Whether an exception (or one it wraps) means the database is unreachable or cannot take writes now.</summary>
    public static bool IsCause(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case NpgsqlException { IsTransient: true }:
                case TimeoutException:
                case SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked or SqliteIoError or SqliteFull or SqliteCantOpen }:
                    return true;
            }
        }
        return false;
    }

    private const int SqliteBusy = 5, SqliteLocked = 6, SqliteIoError = 10, SqliteFull = 13, SqliteCantOpen = 14;

    /// <summary>Counts a refused request; says so (without a stack) at most once per <see cref="ReportEvery"/>.</summary>
    public void Refused(Exception exception)
    {
        int refused;
        lock (gate)
        {
            refusedSinceReport++;
            var now = clock.GetUtcNow();
            if (now - lastReported < ReportEvery) return;
            refused = refusedSinceReport;
            refusedSinceReport = 0;
            lastReported = now;
        }
        var cause = Innermost(exception);
        Unavailable(logger, cause.GetType().Name, cause.Message, refused, (int)ReportEvery.TotalSeconds);
    }

    private static Exception Innermost(Exception exception)
    {
        for (var e = exception; ; e = e.InnerException)
        {
            if (IsCause(e) && (e.InnerException is null || !IsCause(e.InnerException))) return e;
            if (e.InnerException is null) return exception;
        }
    }

    /// <summary>Answers the request 503 + <c>Retry-After</c>: problem+json under <c>/api</c>, a static page elsewhere.</summary>
    public static Task AnswerAsync(HttpContext context)
    {
        var response = context.Response;
        response.Clear();
        SecurityHeaders.Apply(response.Headers);
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            return Results.Problem(statusCode: 503, title: "Service Unavailable", detail: ApiDetail).ExecuteAsync(context);
        }
        response.ContentType = "text/html; charset=utf-8";
        return response.WriteAsync(Page, context.RequestAborted);
    }

    // Needs nothing the outage took away: no database, no layout, no script.
    private const string Page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Temporarily unavailable · Questra</title>
        <style>
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2937; background: #f8fafc; margin: 0; }
        main { max-width: 34rem; margin: 12vh auto; padding: 2rem; background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
        h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
        p { line-height: 1.5; }
        a { color: #4338ca; font-weight: 600; }
        a:focus-visible { outline: 3px solid #4338ca; outline-offset: 2px; }
        </style>
        </head>
        <body>
        <main data-testid="unavailable-page">
        <h1>Questra is temporarily unavailable</h1>
        <p>We cannot reach our database right now, so this page could not be shown. Nothing you saved is lost.</p>
        <p>Try again in a moment: <a href="">reload this page</a>.</p>
        </main>
        </body>
        </html>
        """;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database cannot be reached ({Error}: {Reason}); answered 503 with Retry-After to {Refused} request(s) in the last {Seconds} s or since the last report.")]
    private static partial void Unavailable(ILogger logger, string error, string reason, int refused, int seconds);
}

/// <summary>
/// For a background loop that retries on its own: a database outage is said once, as a warning without a stack,
/// and its end once; any other failure is an error with its stack, each time.
/// </summary>
public sealed class OutageNotice(ILogger logger, string work)
{
    private bool down;

    public void Failed(Exception exception)
    {
        if (!DatabaseOutage.IsCause(exception))
        {
            logger.LogError(exception, "{Work} failed; it is retried.", work);
            return;
        }
        if (down) return;
        down = true;
        logger.LogWarning("{Work} waits for the database, which cannot be reached ({Error}); it is retried until the database is back.", work, exception.Message);
    }

    public void Succeeded()
    {
        if (!down) return;
        down = false;
        logger.LogInformation("{Work}: the database is back.", work);
    }
}
