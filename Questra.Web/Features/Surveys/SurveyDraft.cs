namespace Questra.Web.Features.Surveys;

/// <summary>A survey as the editor sends it: what <see cref="SurveyAuthoring"/> creates or saves, after checking it.</summary>
public sealed class SurveyDraft
{
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public List<QuestionDraft> Questions { get; set; } = [];

    /// <summary>The draft of a stored survey, for its editor.</summary>
    public static SurveyDraft Of(Survey survey) => new()
    {
        Title = survey.Title,
        Description = survey.Description,
        Questions = [.. survey.Questions.OrderBy(q => q.Position).ThenBy(q => q.Id).Select(q => new QuestionDraft
        {
            Id = q.Id,
            Kind = q.Kind,
            Text = q.Text,
            Required = q.Required,
            Hidden = q.Hidden,
            Options = [.. q.Options.Select(o => new OptionDraft { Id = o.Id, Text = o.Text })],
        })],
    };
}

/// <summary>One question of a draft; <see cref="Id"/> is null for a question not saved yet.</summary>
public sealed class QuestionDraft
{
    public long? Id { get; set; }
    public string Kind { get; set; } = QuestionKinds.SingleChoice;
    public string Text { get; set; } = "";
    public bool Required { get; set; }
    public bool Hidden { get; set; }
    public List<OptionDraft> Options { get; set; } = [];
}

/// <summary>One option of a choice question; <see cref="Id"/> is null for an option not saved yet.</summary>
public sealed class OptionDraft
{
    public int? Id { get; set; }
    public string Text { get; set; } = "";
}

/// <summary>How big a survey may be: checked by <see cref="SurveyAuthoring"/>, shown by the editor.</summary>
public static class SurveyLimits
{
    public const int TitleMaxLength = 300;
    public const int DescriptionMaxLength = 2000;
    public const int MaxQuestions = 50;
    public const int QuestionMaxLength = 500;
    public const int MinOptions = 2;
    public const int MaxOptions = 30;
    public const int OptionMaxLength = 200;
}
