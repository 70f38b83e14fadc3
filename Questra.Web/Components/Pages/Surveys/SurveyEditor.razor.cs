using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Components.Pages.Surveys;

/// <summary>
/// The editor's state: the draft being typed (kept as typed whatever the server answers), the answer counts of a
/// stored survey (which questions and options must stay), and the server's field errors, attached to the question
/// they name so they follow it when questions move.
/// </summary>
public sealed partial class SurveyEditor
{
    private const string TitleField = "Title", DescriptionField = "Description", QuestionsField = "Questions";
    private const string TextField = "Text", KindField = "Kind", OptionsField = "Options";

    [Parameter] public string? Id { get; set; }

    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private SurveyDraft? draft;
    private string? loadedDraftOf; // the survey (or "" for a new one) the draft was read for
    private SurveyEditing? editing;
    private string? unavailable;
    private bool busy;

    // The kind each stored question had when the editor opened: options keep their ids only under that kind.
    private Dictionary<long, string> storedKinds = [];

    private string? formError;
    private List<string> otherErrors = [];
    private readonly Dictionary<string, string> fieldErrors = [];
    private readonly Dictionary<QuestionDraft, Dictionary<string, string>> questionErrors = [];

    // Element ids that stay with a question when it moves (its position is no id).
    private readonly Dictionary<QuestionDraft, string> keys = [];
    private int nextKey;

    private readonly Dictionary<QuestionDraft, MudIconButton> upButtons = [];
    private readonly Dictionary<QuestionDraft, MudIconButton> downButtons = [];
    private readonly Dictionary<QuestionDraft, MudTextField<string>> textFields = [];
    private readonly Dictionary<OptionDraft, MudTextField<string>> optionFields = [];
    private MudButton? addQuestionButton;
    private Func<Task>? focusAfterRender;

    private bool IsNew => string.IsNullOrEmpty(Id);

    private int ResponseCount => editing?.Survey.ResponseCount ?? 0;

    private AnswerCounts Counts => editing?.Counts ?? AnswerCounts.None;

    protected override string? RouteKey => Id ?? "";

    protected override async Task LoadAsync(OrgContext org)
    {
        // What is typed stays: a role read again on navigation does not replace a draft of the same survey.
        if (draft is not null && loadedDraftOf == (Id ?? "")) return;
        loadedDraftOf = Id ?? "";
        if (IsNew)
        {
            draft = new SurveyDraft { Questions = [NewQuestion()] };
            return;
        }
        var result = await Run.Run<SurveyAuthoring, ServiceResult<SurveyEditing>>(a => a.ForEditAsync(org.OrganizationId, org.UserId, Id!));
        if (Removed(result.Error)) return;
        if (!result.Succeeded)
        {
            unavailable = result.Error.Message;
            return;
        }
        editing = result.Value;
        storedKinds = editing.Survey.Questions.ToDictionary(q => q.Id, q => q.Kind);
        draft = editing.Draft;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (focusAfterRender is { } focus)
        {
            focusAfterRender = null;
            await focus();
        }
    }

    private static QuestionDraft NewQuestion() => new()
    {
        Kind = QuestionKinds.SingleChoice,
        Options = [new OptionDraft(), new OptionDraft()],
    };

    private string KeyOf(QuestionDraft question)
    {
        if (!keys.TryGetValue(question, out var key))
        {
            key = $"question-{++nextKey}";
            keys[question] = key;
        }
        return key;
    }

    private int Answered(QuestionDraft question) => question.Id is { } id ? Counts.Of(id) : 0;

    // An option's answers count only while its question keeps the kind they were given under.
    private int Chosen(QuestionDraft question, OptionDraft option) =>
        question.Id is { } id && option.Id is { } optionId && KeepsStoredKind(question) ? Counts.Of(id, optionId) : 0;

    private bool KeepsStoredKind(QuestionDraft question) =>
        question.Id is not { } id || !storedKinds.TryGetValue(id, out var kind) || kind == question.Kind;

    private static string KindHint(string kind) => kind switch
    {
        QuestionKinds.Rating => "Respondents choose a value from 1 (very poor) to 5 (excellent).",
        QuestionKinds.Nps => "Respondents choose a score from 0 (not at all likely) to 10 (extremely likely).",
        _ => $"Respondents type up to {QuestionKinds.MaxTextLength(kind):N0} characters. Text answers are personal data: the results show only how many answered.",
    };

    private static string Plural(int count, string noun) => $"{count:N0} {noun}{(count == 1 ? "" : "s")}";

    private void AddQuestion()
    {
        var question = NewQuestion();
        draft!.Questions.Add(question);
        ClearField(QuestionsField);
        focusAfterRender = () => textFields.TryGetValue(question, out var field) ? field.FocusAsync().AsTask() : Task.CompletedTask;
    }

    private void DeleteQuestion(QuestionDraft question)
    {
        // The server refuses to delete a question with answers; the button is disabled for those, and this says no too.
        if (Answered(question) > 0) return;
        var list = draft!.Questions;
        var index = list.IndexOf(question);
        if (index < 0) return;
        list.RemoveAt(index);
        Forget(question);
        ClearField(QuestionsField);
        var next = index < list.Count ? list[index] : null;
        focusAfterRender = () => next is not null && textFields.TryGetValue(next, out var field)
            ? field.FocusAsync().AsTask()
            : addQuestionButton?.FocusAsync().AsTask() ?? Task.CompletedTask;
    }

    private void Forget(QuestionDraft question)
    {
        questionErrors.Remove(question);
        keys.Remove(question);
        upButtons.Remove(question);
        downButtons.Remove(question);
        textFields.Remove(question);
        foreach (var option in question.Options) optionFields.Remove(option);
    }

    // Moves a question one place; the focus stays on the button pressed, or on the other one once it reaches an end.
    private void Move(QuestionDraft question, int by)
    {
        var list = draft!.Questions;
        var from = list.IndexOf(question);
        var to = from + by;
        if (from < 0 || to < 0 || to >= list.Count) return;
        (list[from], list[to]) = (list[to], list[from]);
        var atEnd = to == 0 || to == list.Count - 1;
        var buttons = (by < 0) != atEnd ? upButtons : downButtons;
        focusAfterRender = () => buttons.TryGetValue(question, out var button) ? button.FocusAsync().AsTask() : Task.CompletedTask;
    }

    private void ChangeKind(QuestionDraft question, string? kind)
    {
        if (!QuestionKinds.IsKnown(kind) || Answered(question) > 0) return;
        question.Kind = kind!;
        // Options typed for a choice stay in the draft (and come back with the kind); only choice kinds send them.
        if (QuestionKinds.HasOptions(kind!) && question.Options.Count == 0) question.Options = [new OptionDraft(), new OptionDraft()];
        ClearItem(question, KindField);
        ClearItem(question, OptionsField);
    }

    private void AddOption(QuestionDraft question)
    {
        if (question.Options.Count >= SurveyLimits.MaxOptions) return;
        var option = new OptionDraft();
        question.Options.Add(option);
        ClearItem(question, OptionsField);
        focusAfterRender = () => optionFields.TryGetValue(option, out var field) ? field.FocusAsync().AsTask() : Task.CompletedTask;
    }

    private void RemoveOption(QuestionDraft question, OptionDraft option)
    {
        if (Chosen(question, option) > 0) return;
        question.Options.Remove(option);
        optionFields.Remove(option);
        ClearItem(question, OptionsField);
    }

    private string? FieldError(string field) => fieldErrors.GetValueOrDefault(field);

    private string? ItemError(QuestionDraft question, string field) =>
        questionErrors.TryGetValue(question, out var errors) ? errors.GetValueOrDefault(field) : null;

    // A field the user changes stops showing its error at once; the summary stays until the next save.
    private void ClearField(string field) => fieldErrors.Remove(field);

    private void ClearItem(QuestionDraft question, string field)
    {
        if (questionErrors.TryGetValue(question, out var errors)) errors.Remove(field);
    }

    private void ClearErrors()
    {
        formError = null;
        otherErrors = [];
        fieldErrors.Clear();
        questionErrors.Clear();
    }

    /// <summary>What is sent: the draft as typed, but only choice questions carry options, and options of a question whose kind changed are new ones.</summary>
    private SurveyDraft ToSubmit() => new()
    {
        Title = draft!.Title ?? "",
        Description = draft.Description,
        Questions =
        [
            .. draft.Questions.Select(q => new QuestionDraft
            {
                Id = q.Id,
                Kind = q.Kind,
                Text = q.Text ?? "",
                Required = q.Required,
                Hidden = q.Hidden,
                Options = QuestionKinds.HasOptions(q.Kind)
                    ? [.. q.Options.Select(o => new OptionDraft { Id = KeepsStoredKind(q) ? o.Id : null, Text = o.Text ?? "" })]
                    : [],
            }),
        ],
    };

    private async Task SaveAsync()
    {
        if (busy || draft is null) return;
        busy = true;
        ClearErrors();
        try
        {
            var sent = draft.Questions.ToList();
            var submitted = ToSubmit();
            var org = Org!.OrganizationId;
            var result = IsNew
                ? await Run.Run<SurveyAuthoring, ServiceResult<Survey>>(a => a.CreateAsync(org, Caller, submitted))
                : await Run.Run<SurveyAuthoring, ServiceResult<Survey>>(a => a.SaveAsync(org, Caller, Id!, submitted));
            if (Removed(result.Error)) return;
            if (result.Succeeded)
            {
                Snackbar.Add(IsNew ? "Survey created. It is a draft until you publish it." : "Changes saved.", Severity.Success);
                Navigation.NavigateTo($"/surveys/{result.Value.Id}");
                return;
            }
            ShowErrors(result.Error, sent);
        }
        finally
        {
            busy = false;
        }
    }

    [GeneratedRegex(@"^Questions\[(\d+)\](?:\.(\w+))?$")]
    private static partial Regex QuestionFieldPattern();

    // Each field error goes next to its field (questions by the order they were sent in); the message on top.
    private void ShowErrors(ServiceError error, List<QuestionDraft> sent)
    {
        formError = error.Message;
        foreach (var (field, messages) in error.FieldErrors ?? new Dictionary<string, string[]>())
        {
            var message = messages.FirstOrDefault() ?? "Check this field.";
            if (message != formError && !otherErrors.Contains(message)) otherErrors.Add(message);
            var match = QuestionFieldPattern().Match(field);
            if (match.Success && int.TryParse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out var index) && index < sent.Count)
            {
                var question = sent[index];
                if (!questionErrors.TryGetValue(question, out var errors)) questionErrors[question] = errors = [];
                errors[match.Groups[2].Success ? match.Groups[2].Value : ""] = message;
            }
            else
            {
                fieldErrors[field] = message;
            }
        }
    }
}
