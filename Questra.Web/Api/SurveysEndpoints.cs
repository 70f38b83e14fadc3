using Microsoft.AspNetCore.Http.HttpResults;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Api;

/// <summary><c>/api/surveys</c>: read-only survey data and response aggregates.</summary>
public static class SurveysEndpoints
{
    public static void MapSurveys(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/surveys").WithTags("Surveys");
        group.MapGet("/", List).RequireScope(ApiScopes.SurveysRead).AddEndpointFilter<PagingFilter>()
            .WithName("ListSurveys").WithSummary("The surveys visible to the key, newest first, paged.");
        group.MapGet("/{id}", Get).RequireScope(ApiScopes.SurveysRead)
            .WithName("GetSurvey").WithSummary("One survey with its questions (never its answers).");
        group.MapGet("/{id}/metrics/responses", Metrics).RequireScope(ApiScopes.ResponsesRead)
            .WithName("GetResponseMetrics").WithSummary("Aggregates over a survey's responses: totals, completion, per-day counts.");
    }

    public static async Task<Results<Ok<PagedResponse<SurveySummaryDto>>, ProblemHttpResult>> List(
        ApiCall call, Paging paging, SurveyAccess access, CancellationToken ct)
    {
        var (page, pageSize) = (paging.Page, paging.PageSize);
        var result = await access.ListAsync(call.Viewer, page, pageSize, ct);
        var data = result.Items.Select(s => new SurveySummaryDto(s.Id, s.Title, s.Status.ToString(), s.CreatedAt, s.OwnerUserId, s.ResponseCount)).ToList();
        return TypedResults.Ok(new PagedResponse<SurveySummaryDto>(data, page, pageSize, result.Total));
    }

    public static async Task<Results<Ok<SurveyDto>, ProblemHttpResult>> Get(
        string id, ApiCall call, SurveyAccess access, CancellationToken ct)
    {
        var found = await access.FindAsync(call.Viewer, id, withQuestions: true, ct);
        if (!found.Succeeded)
        {
            return ApiResults.From(found.Error!);
        }
        var s = found.Value!;
        return TypedResults.Ok(new SurveyDto(s.Id, s.Title, s.Status.ToString(), s.CreatedAt, s.OwnerUserId,
            [.. s.Questions.Select(q => new QuestionDto(q.Position, q.Text, q.Kind, q.Required, q.Hidden, [.. q.Options.Select(o => new OptionDto(o.Id, o.Text))]))]));
    }

    public static async Task<Results<Ok<ResponseMetricsDto>, ProblemHttpResult>> Metrics(
        string id, ApiCall call, SurveyAccess access, SurveyMetrics metrics, CancellationToken ct)
    {
        var found = await access.FindAsync(call.Viewer, id, withQuestions: false, ct);
        if (!found.Succeeded)
        {
            return ApiResults.From(found.Error!);
        }
        return TypedResults.Ok(ResponseMetricsDto.From(await metrics.ForSurveyAsync(id, ct)));
    }
}
