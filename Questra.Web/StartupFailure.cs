using Microsoft.Extensions.Options;

namespace Questra.Web;

/// <summary>
/// A fault that stops Questra at start, with one sentence that names what is wrong and what to do (an unwritable
/// data folder, a database locked beyond the wait, a full disk, an unreachable server, an invalid setting).
/// </summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// How a failed start ends: one line on standard error and exit code 1 — not an unhandled exception, a stack and
/// SIGABRT. Only a fault nobody foresaw (a bug) prints its stack after the line, for the report.
/// </summary>
public static class StartupFailure
{
    public const int ExitCode = 1;

    public static int Report(Exception exception, TextWriter errors)
    {
        var (line, expected) = Explain(exception);
        errors.WriteLine($"Questra cannot start: {OneLine(line)}");
        if (!expected)
        {
            errors.WriteLine(exception);
        }
        errors.Flush();
        return ExitCode;
    }

    private static (string Line, bool Expected) Explain(Exception exception) => exception switch
    {
        StartupException e => (e.Message, true),
        OptionsValidationException e => ($"invalid setting — {string.Join(" ", e.Failures)}", true),
        IOException e when e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) =>
            ($"{e.Message} Another program listens there: stop it, or choose another address (--urls or ASPNETCORE_URLS).", true),
        InvalidOperationException e when e.Message.Contains("Database:Provider", StringComparison.Ordinal)
                                         || e.Message.Contains("ConnectionStrings:Questra", StringComparison.Ordinal) => (e.Message, true),
        _ => ($"{exception.GetType().Name}: {exception.Message} (details below)", false),
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
