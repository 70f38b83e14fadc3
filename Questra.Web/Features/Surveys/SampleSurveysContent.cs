using Microsoft.Extensions.Primitives;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.Surveys;

/// <summary>
/// A new organization's sample surveys (Development by default), so the API returns data at once. They are written
/// the one way every survey is: drafted, published and closed by <see cref="SurveyAuthoring"/>, answered through
/// <see cref="AnswerRules"/> and <see cref="ResponseSubmission"/> (with submission times spread over the last weeks).
/// </summary>
internal sealed class SampleSurveysContent(SurveyAuthoring authoring, ResponseSubmission responses, TimeProvider clock) : INewOrganizationContent
{
    private static SurveyDraft Draft(string title, params QuestionDraft[] questions) => new() { Title = title, Questions = [.. questions] };

    private static QuestionDraft Q(string kind, string text, bool required = false, params string[] options) =>
        new() { Kind = kind, Text = text, Required = required, Options = [.. options.Select(o => new OptionDraft { Text = o })] };

    private static readonly (SurveyDraft Draft, SurveyStatus Status, int Responses)[] Samples =
    [
        (Draft("Customer satisfaction Q3",
            Q(QuestionKinds.Rating, "How satisfied are you overall?", required: true),
            Q(QuestionKinds.SingleChoice, "How did you hear about us?", false, "A friend", "Search", "Social media", "Other"),
            Q(QuestionKinds.LongText, "What should we improve?")), SurveyStatus.Active, 120),
        (Draft("Product feedback",
            Q(QuestionKinds.MultipleChoice, "Which features do you use?", true, "Reports", "Exports", "Integrations", "API"),
            Q(QuestionKinds.Nps, "How likely are you to recommend us to a friend?", required: true)), SurveyStatus.Active, 64),
        (Draft("Employee engagement",
            Q(QuestionKinds.Rating, "I feel valued at work.", required: true),
            Q(QuestionKinds.ShortText, "Comments")), SurveyStatus.Closed, 35),
        (Draft("Event registration",
            Q(QuestionKinds.ShortText, "Your name", required: true),
            Q(QuestionKinds.SingleChoice, "Dietary requirements", false, "None", "Vegetarian", "Vegan", "Other")), SurveyStatus.Draft, 0),
    ];

    public async Task AddToAsync(string organizationId, string ownerUserId, CancellationToken ct)
    {
        var owner = new Caller(ownerUserId, null);
        var random = Random.Shared; // sample data only: nothing secret comes from it
        var now = clock.GetUtcNow();
        foreach (var (draft, status, count) in Samples)
        {
            var survey = Succeeded(await authoring.CreateAsync(organizationId, owner, draft, ct));
            if (status == SurveyStatus.Draft) continue;
            Succeeded(await authoring.SetStatusAsync(organizationId, owner, survey.Id, SurveyStatus.Active, ct));
            var form = ResponseSubmission.FormOf(survey);
            // Sent together, so the writer commits them together.
            await Task.WhenAll(Enumerable.Range(0, count).Select(_ =>
            {
                var check = AnswerRules.Check(form, form.Questions.Select(q => KeyValuePair.Create(q.FieldName, SampleAnswer(q, random))));
                return responses.StoreAsync(form, check, now.AddMinutes(-random.Next(60, 60 * 24 * 60)));
            }));
            if (status == SurveyStatus.Closed) Succeeded(await authoring.SetStatusAsync(organizationId, owner, survey.Id, SurveyStatus.Closed, ct));
        }
    }

    // Sample content the service refuses is a bug in this file: say so instead of leaving half a sample.
    private static Survey Succeeded(ServiceResult<Survey> result) =>
        result.Succeeded ? result.Value : throw new InvalidOperationException($"Sample survey refused: {result.Error.Message}");

    private static StringValues SampleAnswer(PublicQuestion q, Random random)
    {
        string Option() => q.Options[random.Next(q.Options.Count)].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return q.Kind switch
        {
            QuestionKinds.SingleChoice => Option(),
            QuestionKinds.MultipleChoice => new StringValues(Enumerable.Range(0, random.Next(1, 3)).Select(_ => Option()).ToArray()),
            QuestionKinds.Rating => random.Next(2, 6).ToString(System.Globalization.CultureInfo.InvariantCulture),
            QuestionKinds.Nps => random.Next(4, 11).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => random.Next(3) == 0 ? "Works well for our team." : "",
        };
    }
}
