using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Components.Respond;

/// <summary>
/// <c>/s/{publicId}</c>: the public form of a survey, answered without signing in. Rendered on the server as plain
/// HTML (no circuit, no script); the answer is a normal form post, checked and stored by
/// <see cref="ResponseSubmission"/>, then a redirect to a thank-you page (so reloading does not send twice).
/// </summary>
public static class RespondEndpoints
{
    /// <summary>Maps the public form, its post and its thank-you page.</summary>
    public static void MapPublicSurveyForm(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/s/{publicId}").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/", Show);
        group.MapPost("/", Submit);
        group.MapGet("/thanks", Thanks);
    }

    public static async Task<IResult> Show(string publicId, HttpContext context, ResponseSubmission submission, FormTokens tokens, CancellationToken ct)
    {
        NoStore(context);
        var survey = await submission.FindAsync(publicId, ct);
        if (survey?.Status is not SurveyStatus.Active) return NotOpen(survey, forPost: false);
        return await FormAsync(context, tokens, survey, StatusCodes.Status200OK);
    }

    public static async Task<IResult> Submit(string publicId, HttpContext context, ResponseSubmission submission, FormTokens tokens,
        IOptionsMonitor<SurveyOptions> options, CancellationToken ct)
    {
        NoStore(context);
        var cap = options.CurrentValue.MaxSubmissionBytes;
        if (context.Request.ContentLength > cap) return TooLarge(cap);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = cap;
        if (!context.Request.HasFormContentType || context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Message("Send the form from its page", "This link takes answers sent from its form only.", StatusCodes.Status415UnsupportedMediaType);
        }
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(FormLimits(cap), ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return TooLarge(cap);
        }
        if (!await tokens.IsValidAsync(context, publicId, form[FormTokens.Field]))
        {
            return Message("This form has expired", "Open the survey's link again and send your answers from the fresh page.", StatusCodes.Status400BadRequest);
        }

        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var result = await submission.SubmitAsync(publicId, client, form, ct);
        switch (result.Outcome)
        {
            case SubmissionOutcome.Stored:
                return TypedResults.Redirect($"/s/{publicId}/thanks");
            case SubmissionOutcome.Throttled:
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(result.RetryAfter!.Value.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Message("Please wait a moment", result.Message!, StatusCodes.Status429TooManyRequests);
            case SubmissionOutcome.Forged:
                return Message("This form could not be read", result.Message!, StatusCodes.Status400BadRequest);
            case SubmissionOutcome.Invalid:
                return await FormAsync(context, tokens, result.Survey!, StatusCodes.Status422UnprocessableEntity,
                    form.ToDictionary(f => f.Key, f => f.Value), result.Checked!.Errors);
            default:
                return NotOpen(result.Survey, forPost: true);
        }
    }

    private static FormOptions? limits;

    // The form reader's limits for a body cap, made again only when the setting changes.
    private static FormOptions FormLimits(int cap) =>
        limits is { ValueLengthLimit: var made } current && made == cap ? current
            : limits = new FormOptions { ValueLengthLimit = cap, KeyLengthLimit = 100, ValueCountLimit = 1_000, BufferBody = false };

    public static async Task<IResult> Thanks(string publicId, HttpContext context, ResponseSubmission submission, CancellationToken ct)
    {
        NoStore(context);
        var survey = await submission.FindAsync(publicId, ct);
        return survey is null
            ? NotOpen(null, forPost: false)
            : Message("Thank you", $"Your answers to \u201c{survey.Title}\u201d were recorded. You can close this page.", StatusCodes.Status200OK);
    }

    private static async Task<RazorComponentResult<RespondForm>> FormAsync(HttpContext context, FormTokens tokens, PublicSurvey survey, int status,
        IReadOnlyDictionary<string, StringValues>? values = null, IReadOnlyDictionary<long, string>? errors = null)
    {
        var token = await tokens.IssueAsync(context, survey.PublicId);
        return new RazorComponentResult<RespondForm>(new Dictionary<string, object?>
        {
            [nameof(RespondForm.Survey)] = survey,
            [nameof(RespondForm.TokenField)] = FormTokens.Field,
            [nameof(RespondForm.Token)] = token,
            [nameof(RespondForm.Values)] = values ?? new Dictionary<string, StringValues>(),
            [nameof(RespondForm.Errors)] = errors ?? new Dictionary<long, string>(),
        }) { StatusCode = status };
    }

    private static RazorComponentResult<RespondMessage> NotOpen(PublicSurvey? survey, bool forPost) => survey?.Status switch
    {
        SurveyStatus.Closed => Message("This survey is closed", "It no longer takes answers. Thank you for your interest.",
            forPost ? StatusCodes.Status409Conflict : StatusCodes.Status200OK),
        SurveyStatus.Draft => Message("This survey is not open yet", "It does not take answers yet. Try the link again later.",
            forPost ? StatusCodes.Status409Conflict : StatusCodes.Status404NotFound),
        _ => Message("No survey here", "There is no survey at this link. Check that the whole link was copied.", StatusCodes.Status404NotFound),
    };

    private static RazorComponentResult<RespondMessage> TooLarge(int cap) =>
        Message("Your answers are too long", $"The form takes at most {cap / 1024:N0} KB of answers. Shorten the longest ones and send again.",
            StatusCodes.Status413PayloadTooLarge);

    private static RazorComponentResult<RespondMessage> Message(string heading, string text, int status) =>
        new RazorComponentResult<RespondMessage>(new { Heading = heading, Text = text }) { StatusCode = status };

    // A respondent's page (with their answers, on a shared computer) is never kept by a cache; nor listed by search engines.
    private static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
    }
}
