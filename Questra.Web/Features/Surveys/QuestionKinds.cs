namespace Questra.Web.Features.Surveys;

/// <summary>The kinds of question a survey can ask, as stored and as the API names them.</summary>
public static class QuestionKinds
{
    public const string SingleChoice = "single_choice";
    public const string MultipleChoice = "multiple_choice";
    /// <summary>A rating from 1 to 5.</summary>
    public const string Rating = "rating";
    /// <summary>Net Promoter Score: 0 to 10.</summary>
    public const string Nps = "nps";
    public const string ShortText = "short_text";
    public const string LongText = "long_text";

    public static readonly IReadOnlyList<string> All = [SingleChoice, MultipleChoice, Rating, Nps, ShortText, LongText];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind);

    public static bool HasOptions(string kind) => kind is SingleChoice or MultipleChoice;

    public static bool IsScale(string kind) => kind is Rating or Nps;

    public static bool IsText(string kind) => kind is ShortText or LongText;

    /// <summary>The lowest and highest value of a scale question.</summary>
    public static (int Min, int Max) ScaleOf(string kind) => kind == Nps ? (0, 10) : (1, 5);

    /// <summary>The longest answer a text question takes, in characters.</summary>
    public static int MaxTextLength(string kind) => kind == ShortText ? 200 : 5000;

    /// <summary>What the editor and the results call each kind.</summary>
    public static string Label(string kind) => kind switch
    {
        SingleChoice => "Single choice",
        MultipleChoice => "Multiple choice",
        Rating => "Rating (1–5)",
        Nps => "Score (0–10)",
        ShortText => "Short text",
        LongText => "Long text",
        _ => kind,
    };
}
