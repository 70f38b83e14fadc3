using System.Globalization;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Questra.Web.Api;

/// <summary>
/// The CSV form of the survey list and both metrics answers, for spreadsheets and BI tools that ask for it with
/// <c>Accept: text/csv</c>: a header row, one row per survey, per day, or per question count (long form). Where a
/// list goes on, the next cursor comes in the <c>Questra-Next-Cursor</c> header.
/// </summary>
public static class CsvAnswers
{
    public const string MediaType = "text/csv";

    /// <summary>Whether the client prefers CSV to JSON (<c>Accept: text/csv</c>, or CSV with a higher q than JSON).</summary>
    public static bool Wanted(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)) return false;
        double Quality(string type) => accepted.Where(a => a.MediaType.Equals(type, StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        var csv = Quality(MediaType);
        return csv > 0 && csv > Quality("application/json");
    }

    /// <summary>The CSV of an answer, or null when it has no CSV form (then JSON is sent).</summary>
    public static byte[]? Of(object value, HttpResponse response)
    {
        var text = new StringBuilder();
        switch (value)
        {
            case PagedResponse<SurveySummaryDto> page:
                Surveys(text, page.Data);
                response.Headers["Questra-Total"] = page.Total.ToString(CultureInfo.InvariantCulture);
                break;
            case CursorPage<SurveySummaryDto> page:
                Surveys(text, page.Data);
                if (page.NextCursor is not null) response.Headers["Questra-Next-Cursor"] = page.NextCursor;
                response.Headers["Questra-Has-More"] = page.HasMore ? "true" : "false";
                break;
            case ResponseMetricsDto metrics:
                text.Append(Csv.Line(["date", "responses"]));
                foreach (var day in metrics.ResponsesPerDay) text.Append(Csv.Line([Day(day.Date), Number(day.Count)]));
                break;
            case QuestionMetricsResponseDto metrics:
                Questions(text, metrics);
                break;
            default:
                return null;
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Surveys(StringBuilder text, IEnumerable<SurveySummaryDto> surveys)
    {
        text.Append(Csv.Line(["id", "title", "status", "created_at", "updated_at", "owner_id", "response_count"]));
        foreach (var s in surveys)
        {
            text.Append(Csv.Line([s.Id, s.Title, s.Status, Instant(s.CreatedAt), Instant(s.UpdatedAt), s.OwnerId, Number(s.ResponseCount)]));
        }
    }

    // Long form: one row per count of a question (answered, each option or value, the mean), per period if asked.
    private static void Questions(StringBuilder text, QuestionMetricsResponseDto metrics)
    {
        text.Append(Csv.Line(["position", "question", "kind", "period_start", "measure", "option_id", "option", "value", "count", "mean", "suppressed"]));
        foreach (var q in metrics.Questions)
        {
            Rows(text, q, null, q.Total);
            foreach (var period in q.Periods ?? []) Rows(text, q, period.Start, period.Counts);
        }
    }

    private static void Rows(StringBuilder text, QuestionMetricsDto q, DateOnly? start, QuestionCountsDto counts)
    {
        string?[] Row(string measure, int? optionId, string? option, int? value, int? count, double? mean, bool suppressed) =>
            [Number(q.Position), q.Text, q.Kind, start is { } d ? Day(d) : "", measure, Number(optionId), option, Number(value), Number(count),
                mean?.ToString("0.##", CultureInfo.InvariantCulture), suppressed ? "true" : "false"];
        text.Append(Csv.Line(Row("answered", null, null, null, counts.Answered.Count, null, counts.Answered.Suppressed)));
        foreach (var o in counts.Options ?? []) text.Append(Csv.Line(Row("option", o.Id, o.Text, null, o.Count, null, o.Suppressed)));
        foreach (var v in counts.Values ?? []) text.Append(Csv.Line(Row("value", null, null, v.Value, v.Count, null, v.Suppressed)));
        if (counts.Values is not null) text.Append(Csv.Line(Row("mean", null, null, null, null, counts.Mean, counts.MeanSuppressed)));
    }

    private static string? Number(int? n) => n?.ToString(CultureInfo.InvariantCulture);

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
