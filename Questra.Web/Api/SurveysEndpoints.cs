using Microsoft.AspNetCore.Http.HttpResults;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Api;

/// <summary><c>/api/surveys</c>: read-only survey data and response aggregates.</summary>
public static class SurveysEndpoints
{
    public static void MapSurveys(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/surveys").WithTags("Surveys");
        group.MapGet("/", List).RequireScope(ApiScopes.SurveysRead).Conditional()
            .WithName("ListSurveys").WithSummary("The surveys visible to the key: newest first by cursor (limit, cursor) or page number (page, page_size; the older form); " +
                "with updated_since, those created or changed since, oldest change first.");
        group.MapGet("/{id}", Get).RequireScope(ApiScopes.SurveysRead).Produces<SurveyDto>().Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetSurvey").WithSummary("One survey with its questions (never its answers).");
        group.MapGet("/{id}/metrics/responses", Metrics).RequireScope(ApiScopes.ResponsesRead).Conditional()
            .WithName("GetResponseMetrics").WithSummary("Aggregates over a survey's responses: totals, completion, per-day counts.");
        group.MapGet("/{id}/metrics/questions", QuestionMetrics).RequireScope(ApiScopes.ResponsesRead).Conditional()
            .WithName("GetQuestionMetrics").WithSummary("Per-question counts (options, rating values and mean, answered counts; never answers), optionally " +
                "from/to (dates, UTC) and per interval (day or week); counts under the organization's minimum cell size are null with suppressed: true.");
    }

    /// <summary>
    /// How long a change waits before a list of changes shows it: longer than any transaction that stamps a survey
    /// takes to commit, so a change is never listed behind a position a client already passed.
    /// </summary>
    public static readonly TimeSpan ChangesSettle = TimeSpan.FromSeconds(5);

    private const string NewestList = "surveys";
    private const string ChangesList = "surveys.changes";

    public static async Task<Results<Ok<PagedResponse<SurveySummaryDto>>, Ok<CursorPage<SurveySummaryDto>>, ProblemHttpResult>> List(
        ApiCall call, Paging paging, HttpRequest request, SurveyAccess access, ListCursors cursors, TimeProvider clock, CancellationToken ct)
    {
        if (!ApiResults.TryReadInstant(request, "updated_since", out var since, out var sinceError)) return sinceError!;
        if (since is null && !paging.ByCursor)
        {
            var (page, pageSize) = (paging.Page, paging.PageSize);
            var result = await access.ListAsync(call.Viewer, page, pageSize, ct);
            return TypedResults.Ok(new PagedResponse<SurveySummaryDto>(result.Items.Select(SurveySummaryDto.From).ToList(), page, pageSize, result.Total));
        }
        if (since is not null && (request.Query.ContainsKey("page") || request.Query.ContainsKey("page_size")))
        {
            return ApiResults.FieldError("updated_since", "A list of changes (updated_since) is read by cursor: use 'limit' and 'cursor', not 'page' and 'page_size'.");
        }
        var list = since is null ? NewestList : ChangesList;
        KeysetPosition? after = null;
        DateTimeOffset? until = null;
        if (paging.Cursor is { } cursor)
        {
            // A cursor names its list and filter; a filter sent beside it must be the one it was made with.
            if (cursors.Decode(cursor, call.OrganizationId) is not { } held
                || held.List is not (NewestList or ChangesList)
                || (since is not null && (held.List != ChangesList || held.Filter != Filter(since.Value))))
            {
                return ApiResults.FieldError("cursor", ListCursors.Invalid);
            }
            list = held.List;
            since ??= list == ChangesList ? new DateTimeOffset(long.Parse(held.Filter, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero) : null;
            after = held.Position;
            until = held.Until;
        }
        if (list == NewestList)
        {
            var newest = await access.NewestAsync(call.Viewer, after, paging.Take, ct);
            var further = newest.HasMore && newest.Items.Count > 0
                ? cursors.Encode(NewestList, call.OrganizationId, "", new KeysetPosition(newest.Items[^1].CreatedAt, newest.Items[^1].Id))
                : null;
            return TypedResults.Ok(new CursorPage<SurveySummaryDto>(newest.Items.Select(SurveySummaryDto.From).ToList(), further, newest.HasMore));
        }
        // A run ends where its first page said (now, less the settling time): surveys changing faster than a job
        // reads cannot keep it going for ever; what changes meanwhile is the next run's.
        var upTo = until ?? clock.GetUtcNow() - ChangesSettle;
        var changed = await access.ChangedAsync(call.Viewer, since!.Value, after, upTo, paging.Take, ct);
        // Always a cursor: at the end of the run it is where the next run starts (after everything up to its end).
        var from = after?.At ?? since.Value;
        var next = changed.HasMore
            ? cursors.Encode(ChangesList, call.OrganizationId, Filter(since.Value), new KeysetPosition(changed.Items[^1].UpdatedAt, changed.Items[^1].Id), upTo)
            : cursors.Encode(ChangesList, call.OrganizationId, Filter(since.Value), new KeysetPosition(upTo > from ? upTo : from, null));
        return TypedResults.Ok(new CursorPage<SurveySummaryDto>(changed.Items.Select(SurveySummaryDto.From).ToList(), next, changed.HasMore));
    }

    /// <summary>How many periods one request may ask for (days or weeks).</summary>
    public const int MaxPeriods = 400;

    public static async Task<Results<Ok<QuestionMetricsResponseDto>, ProblemHttpResult>> QuestionMetrics(
        string id, ApiCall call, HttpRequest request, SurveyAccess access, SurveyMetrics metrics, TimeProvider clock, CancellationToken ct)
    {
        if (!ApiResults.TryReadDate(request, "from", out var from, out var error) || !ApiResults.TryReadDate(request, "to", out var to, out error)) return error!;
        if (from > to) return ApiResults.FieldError("to", "'to' must be on or after 'from'.");
        var intervalText = request.Query["interval"];
        var interval = intervalText.Count == 0 ? MetricsInterval.None
            : intervalText.Count == 1 && intervalText[0] is "day" ? MetricsInterval.Day
            : intervalText.Count == 1 && intervalText[0] is "week" ? MetricsInterval.Week
            : (MetricsInterval?)null;
        if (interval is null) return ApiResults.FieldError("interval", "'interval' must be 'day' or 'week' (or left out for totals only).");
        var found = await access.FindAsync(call.Viewer, id, withQuestions: true, ct);
        if (!found.Succeeded) return ApiResults.From(found.Error);
        if (interval != MetricsInterval.None)
        {
            var first = from ?? DateOnly.FromDateTime(found.Value.CreatedAt.UtcDateTime);
            var last = to ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var periods = (last.DayNumber - first.DayNumber) / (interval == MetricsInterval.Week ? 7 : 1) + 1;
            if (periods > MaxPeriods)
            {
                return ApiResults.FieldError("interval", $"At most {MaxPeriods} periods per request: narrow 'from' and 'to', or use interval=week.");
            }
        }
        return TypedResults.Ok(QuestionMetricsResponseDto.Of(await metrics.QuestionsAsync(call.OrganizationId, found.Value, from, to, interval.Value, ct)));
    }

    private static string Filter(DateTimeOffset since) => since.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// One survey. Its tag is made from its change stamp (every change moves it: <see cref="SurveyStamp"/>), so a
    /// conditional read is answered 304 from one row, without reading the questions or making the body.
    /// </summary>
    public static async Task<IResult> Get(string id, ApiCall call, SurveyAccess access, HttpContext http, KeyRateLimiter rateLimiter, CancellationToken ct)
    {
        if (http.Request.Headers.IfNoneMatch.Count > 0 && await access.StampAsync(call.Viewer, id, ct) is { } stamp
            && ConditionalGetFilter.NotModified(http, SurveyTag(id, stamp), rateLimiter) is { } notModified)
        {
            return notModified;
        }
        var found = await access.FindAsync(call.Viewer, id, withQuestions: true, ct);
        if (!found.Succeeded)
        {
            return ApiResults.From(found.Error);
        }
        var s = found.Value;
        http.Response.Headers.ETag = SurveyTag(s.Id, s.UpdatedAt);
        return TypedResults.Ok(new SurveyDto(s.Id, s.Title, s.Status.ToString(), s.CreatedAt, s.OwnerUserId,
            [.. s.Questions.Select(q => new QuestionDto(q.Position, q.Text, q.Kind, q.Required, q.Hidden, [.. q.Options.Select(o => new OptionDto(o.Id, o.Text))]))],
            s.UpdatedAt));
    }

    // The survey's tag: its id and stamp, and this build (a new version may show a survey differently).
    private static readonly string Build = typeof(SurveysEndpoints).Assembly.ManifestModule.ModuleVersionId.ToString("N");

    private static string SurveyTag(string id, DateTimeOffset stamp) => ConditionalGetFilter.Tag(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes($"survey\n{id}\n{stamp.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n{Build}")));

    public static async Task<Results<Ok<ResponseMetricsDto>, ProblemHttpResult>> Metrics(
        string id, ApiCall call, SurveyAccess access, SurveyMetrics metrics, CancellationToken ct)
    {
        var found = await access.FindAsync(call.Viewer, id, withQuestions: false, ct);
        if (!found.Succeeded)
        {
            return ApiResults.From(found.Error);
        }
        return TypedResults.Ok(ResponseMetricsDto.From(await metrics.ForSurveyAsync(id, ct)));
    }
}
