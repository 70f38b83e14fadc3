namespace Questra.Web.Features.Common;

/// <summary>
/// CSV as spreadsheets read it (RFC 4180): every cell quoted, quotes doubled, lines ended by CRLF; a cell that a
/// spreadsheet would take for a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage
/// return) starts with an apostrophe instead, so a value someone typed never runs as one.
/// </summary>
public static class Csv
{
    public static string Line(IEnumerable<string?> cells) => string.Join(',', cells.Select(Cell)) + "\r\n";

    public static string Cell(string? value)
    {
        value ??= "";
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
