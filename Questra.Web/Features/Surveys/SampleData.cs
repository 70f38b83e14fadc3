using Questra.Web.Data;

namespace Questra.Web.Features.Surveys;

/// <summary>A handful of surveys with responses for a newcomer's organization (Development only by default).</summary>
public static class SampleData
{
    private static readonly (string Title, SurveyStatus Status, string[] Questions, int Responses)[] Surveys =
    [
        ("Customer satisfaction Q3", SurveyStatus.Active, ["How satisfied are you overall?", "What should we improve?"], 120),
        ("Product feedback", SurveyStatus.Active, ["Which feature do you use most?", "Would you recommend us?"], 64),
        ("Employee engagement", SurveyStatus.Closed, ["I feel valued at work.", "Comments"], 35),
        ("Event registration", SurveyStatus.Draft, ["Your name", "Dietary requirements"], 0),
    ];

    public static void AddSurveys(QuestraDbContext db, string organizationId, string ownerUserId, DateTimeOffset now)
    {
        var random = Random.Shared; // sample data only: nothing secret comes from it
        for (var i = 0; i < Surveys.Length; i++)
        {
            var (title, status, questions, responses) = Surveys[i];
            var created = now.AddDays(-60 + i * 7);
            var survey = new Survey
            {
                Id = Ids.New(Survey.IdPrefix),
                OrganizationId = organizationId,
                OwnerUserId = ownerUserId,
                Title = title,
                Status = status,
                CreatedAt = created,
                Questions = questions
                    .Select((text, position) => new SurveyQuestion { SurveyId = "", Position = position, Text = text, Kind = position == 0 ? "rating" : "text" })
                    .ToList(),
            };
            db.Surveys.Add(survey);
            for (var r = 0; r < responses; r++)
            {
                var submitted = created.AddMinutes(random.Next(60, (int)(now - created).TotalMinutes));
                db.SurveyResponses.Add(new SurveyResponse
                {
                    SurveyId = survey.Id,
                    SubmittedAt = submitted,
                    Completed = random.NextDouble() < 0.8,
                    AnswersJson = $$"""{"q0":{{random.Next(1, 6)}}}""",
                });
            }
        }
    }
}
