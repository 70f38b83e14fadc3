using System.Globalization;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Questra.Web.Features.Surveys;

/// <summary>A question as the public form shows it (hidden questions are never part of the form).</summary>
public sealed record PublicQuestion(long Id, string Text, string Kind, bool Required, IReadOnlyList<QuestionOption> Options)
{
    /// <summary>The form field that carries this question's answer.</summary>
    public string FieldName { get; } = FieldPrefix + Id.ToString(CultureInfo.InvariantCulture);

    public const string FieldPrefix = "q";
}

/// <summary>A survey as its public link shows it: nothing about its owner, organization or API id.</summary>
public sealed record PublicSurvey(string SurveyId, string PublicId, string Title, string? Description, SurveyStatus Status,
    IReadOnlyList<PublicQuestion> Questions)
{
    private Dictionary<string, PublicQuestion>? byField;

    /// <summary>The questions by form field, built once per form (a kept form checks many submissions).</summary>
    public IReadOnlyDictionary<string, PublicQuestion> ByField => byField ??= Questions.ToDictionary(q => q.FieldName, StringComparer.Ordinal);
}

/// <summary>What a checked form holds: the answers to store, or a message per question, or a forged field.</summary>
public sealed record CheckedAnswers(Dictionary<long, Answer> Answers, Dictionary<long, string> Errors, string? Forged)
{
    public bool Valid => Errors.Count == 0 && Forged is null;
}

/// <summary>
/// The rules an answer must keep for its question's kind: a choice is one of the question's options, a rating is
/// inside its scale, a text fits its length, a required question is answered. Fields that name no question of the
/// form (another survey's, a hidden one's) make the whole submission a forgery, not a mistake to show.
/// </summary>
public static class AnswerRules
{
    public static CheckedAnswers Check(PublicSurvey survey, IEnumerable<KeyValuePair<string, StringValues>> fields)
    {
        var answers = new Dictionary<long, Answer>();
        var errors = new Dictionary<long, string>();
        var byField = survey.ByField;
        var given = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var (name, values) in fields)
        {
            if (byField.ContainsKey(name)) given[name] = values;
            else if (name.StartsWith(PublicQuestion.FieldPrefix, StringComparison.Ordinal))
            {
                return new CheckedAnswers(answers, errors, "The form names a question that is not part of this survey.");
            }
        }

        foreach (var question in survey.Questions)
        {
            var values = given.TryGetValue(question.FieldName, out var v) ? v : StringValues.Empty;
            var (answer, error) = CheckOne(question, values);
            if (error is not null) errors[question.Id] = error;
            else if (answer is { } a) answers[question.Id] = a;
            else if (question.Required) errors[question.Id] = "This question needs an answer.";
        }
        return new CheckedAnswers(answers, errors, null);
    }

    private static (Answer? Answer, string? Error) CheckOne(PublicQuestion question, StringValues values)
    {
        var present = values.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()).ToList();
        if (present.Count == 0) return (null, null);
        switch (question.Kind)
        {
            case QuestionKinds.SingleChoice:
                if (present.Count > 1) return (null, "Choose one option.");
                return OptionOf(question, present[0]) is { } id ? (new Answer(Value: id), null) : (null, "Choose one of the options shown.");
            case QuestionKinds.MultipleChoice:
                var ids = new List<int>();
                foreach (var value in present)
                {
                    if (OptionOf(question, value) is not { } option) return (null, "Choose among the options shown.");
                    if (!ids.Contains(option)) ids.Add(option);
                }
                return (new Answer(Choices: [.. ids.Order()]), null);
            case QuestionKinds.Rating or QuestionKinds.Nps:
                var (min, max) = QuestionKinds.ScaleOf(question.Kind);
                if (present.Count > 1 || !int.TryParse(present[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
                {
                    return (null, $"Choose a value from {min} to {max}.");
                }
                return (new Answer(Value: n), null);
            default:
                if (present.Count > 1) return (null, "Send one answer to this question.");
                var text = CleanText(present[0], singleLine: question.Kind == QuestionKinds.ShortText);
                var limit = QuestionKinds.MaxTextLength(question.Kind);
                if (text.Length > limit) return (null, $"Keep the answer under {limit:N0} characters (it has {text.Length:N0}).");
                return text.Length == 0 ? (null, null) : (new Answer(Text: text), null);
        }
    }

    private static int? OptionOf(PublicQuestion question, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && question.Options.Any(o => o.Id == id) ? id : null;

    /// <summary>Control characters dropped (but line breaks in long text), line endings made <c>\n</c>, the ends trimmed.</summary>
    public static string CleanText(string text, bool singleLine)
    {
        var clean = new StringBuilder(text.Length);
        foreach (var c in text.Replace("\r\n", "\n"))
        {
            if (c == '\n' || c == '\r') clean.Append(singleLine ? ' ' : '\n');
            else if (c == '\t') clean.Append(' ');
            else if (!char.IsControl(c) && c is not '\u200B' and not '\u2028' and not '\u2029') clean.Append(c);
        }
        return clean.ToString().Trim();
    }
}
