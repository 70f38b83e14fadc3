using System.Globalization;
using System.Security.Claims;
using System.Text;

namespace Questra.Web.Features.AuditTrail;

/// <summary>
/// The audit log as CSV (<c>GET /settings/audit/export</c>, owners and admins, signed in): the rows the page's
/// filter shows, newest first, one sentence per event beside the raw fields, safe to open in a spreadsheet.
/// </summary>
public static class AuditCsv
{
    public const string Route = "/settings/audit/export";

    private static readonly string[] Header =
        ["occurred_at_utc", "what_happened", "event", "actor", "actor_user_id", "api_key_id", "target", "target_id", "details", "from_address"];

    public static IEndpointRouteBuilder MapAuditExport(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, ExportAsync).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    /// <summary>The export's address for the audit page's current filter.</summary>
    public static string Link(string organizationId, AuditFilter filter)
    {
        var query = new List<string> { "org=" + Uri.EscapeDataString(organizationId) };
        void Add(string name, string? value) { if (!string.IsNullOrWhiteSpace(value)) query.Add(name + "=" + Uri.EscapeDataString(value.Trim())); }
        Add("key", filter.KeyId);
        Add("user", filter.UserId);
        Add("type", filter.Type);
        Add("from", filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return Route + "?" + string.Join('&', query);
    }

    private static async Task ExportAsync(HttpContext http, AuditLog log, TimeProvider clock)
    {
        var query = http.Request.Query;
        var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null || query["org"] is not [{ Length: > 0 } org])
        {
            await PlainAsync(http, 400, "Say which organization: ?org=<Organization ID>.");
            return;
        }
        if (!TryDay(query["from"], out var from) || !TryDay(query["to"], out var to))
        {
            await PlainAsync(http, 400, "'from' and 'to' are days written yyyy-MM-dd.");
            return;
        }
        var filter = new AuditFilter(Single(query["key"]), Single(query["user"]), Single(query["type"]), from, to);
        var result = await log.ExportAsync(org, userId, filter, http.RequestAborted);
        if (!result.Succeeded)
        {
            await PlainAsync(http, result.Error.Kind == ErrorKind.Validation ? 400 : 403, result.Error.Message);
            return;
        }

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        var day = clock.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"questra-audit-{day}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        await WriteAsync(writer, result.Value.Rows, http.RequestAborted);
    }

    /// <summary>Writes the header and one line per event.</summary>
    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<AuditEntry> rows, CancellationToken ct)
    {
        await writer.WriteAsync(Line(Header));
        await foreach (var e in rows.WithCancellation(ct))
        {
            await writer.WriteAsync(Line([
                e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                AuditWording.Sentence(e), e.Type, AuditWording.Actor(e), e.ActorUserId, e.ActorApiKeyId,
                AuditWording.Target(e), e.TargetId, Audit.AuditDetails.Describe(e.Details), e.Ip,
            ]));
        }
    }

    private static string Line(IEnumerable<string?> cells) => Csv.Line(cells);

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 1 ? values[0] : null;

    private static bool TryDay(Microsoft.Extensions.Primitives.StringValues values, out DateOnly? day)
    {
        day = null;
        if (values.Count == 0 || string.IsNullOrEmpty(values[0])) return true;
        if (values.Count > 1 || !DateOnly.TryParseExact(values[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) return false;
        day = parsed;
        return true;
    }

    private static async Task PlainAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(message);
    }
}
