using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.Surveys;

/// <summary>A survey opened for managing: the survey (tracked) and the caller's role now.</summary>
public sealed record ManagedSurvey(Survey Survey, OrgRole Role);

/// <summary>The editor's view of a stored survey: its draft and how many answers each question and option holds.</summary>
public sealed record SurveyEditing(Survey Survey, SurveyDraft Draft, AnswerCounts Counts, OrgRole Role);

/// <summary>
/// Writing surveys: create, edit, publish, close, reopen, delete. Any member creates surveys they own; a member
/// manages their own surveys, owners and admins every survey of the organization (the visibility rules of
/// <see cref="SurveyAccess"/>). Once a survey has responses, an edit may only keep its answers meaningful: texts
/// may be renamed, options and questions added, questions hidden; a question's kind stays, and nothing that has
/// answers is deleted. Every rule is checked here, whatever the page showed.
/// </summary>
public sealed class SurveyAuthoring(QuestraDbContext db, TimeProvider clock, SurveyStamps stamps, PublicForms forms)
{
    public async Task<ServiceResult<Survey>> CreateAsync(string organizationId, Caller caller, SurveyDraft draft, CancellationToken ct = default)
    {
        if (await db.RoleOfAsync(organizationId, caller.UserId, ct) is null) return ServiceError.NotAMember;
        if (Shape(draft) is { } invalid) return invalid;
        var now = clock.GetUtcNow();
        var survey = new Survey
        {
            Id = Ids.New(Survey.IdPrefix),
            OrganizationId = organizationId,
            OwnerUserId = caller.UserId,
            Title = draft.Title.Trim(),
            Description = Blank(draft.Description),
            Status = SurveyStatus.Draft,
            CreatedAt = now,
            UpdatedAt = now,
            PublicId = Survey.NewPublicId(),
        };
        Apply(survey, draft);
        db.Surveys.Add(survey);
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.SurveyCreated, survey.Id, now,
            new { title = survey.Title, questions = survey.Questions.Count });
        await db.SaveChangesAsync(ct);
        return survey;
    }

    // A change the API shows: saved with the survey's change stamp moved to now (never back: a response's commit may
    // have stamped it later), in one transaction, so lists of changes (updated_since) pick the survey up again.
    private async Task SaveStampedAsync(Survey survey, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        var provider = db.Database.IsNpgsql() ? DatabaseProvider.PostgreSQL : DatabaseProvider.Sqlite;
        await db.Database.ExecuteSqlRawAsync(SurveyStamp.Sql(provider, "{0}", "{1}"), [survey.Id, SurveyStamp.Value(provider, clock.GetUtcNow())], ct);
        await AnnounceAsync(survey.Id, ct);
        await CommitAsync(tx, survey.Id);
        // The tracked survey keeps the stamp it was read with: EF never writes it again (SurveyConfiguration).
    }

    /// <summary>A survey the caller may manage, with its draft and answer counts, for the editor.</summary>
    public async Task<ServiceResult<SurveyEditing>> ForEditAsync(string organizationId, string userId, string surveyId, CancellationToken ct = default)
    {
        var found = await FindManagedAsync(db, organizationId, userId, surveyId, ct);
        if (!found.Succeeded) return found.Error;
        var survey = found.Value.Survey;
        return new SurveyEditing(survey, SurveyDraft.Of(survey), await CountsAsync(survey, ct), found.Value.Role);
    }

    public async Task<ServiceResult<Survey>> SaveAsync(string organizationId, Caller caller, string surveyId, SurveyDraft draft, CancellationToken ct = default)
    {
        var found = await FindManagedAsync(db, organizationId, caller.UserId, surveyId, ct);
        if (!found.Succeeded) return found.Error;
        var survey = found.Value.Survey;
        if (Shape(draft) is { } invalid) return invalid;
        var counts = await CountsAsync(survey, ct);
        if (KeepsAnswers(survey, draft, counts) is { } breaks) return breaks;
        if (survey.Status != SurveyStatus.Draft && !draft.Questions.Any(q => !q.Hidden))
        {
            return ServiceError.Field("Questions", "A published survey needs at least one question that is not hidden.");
        }
        survey.Title = draft.Title.Trim();
        survey.Description = Blank(draft.Description);
        Apply(survey, draft);
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.SurveyUpdated, survey.Id, clock.GetUtcNow(),
            new { title = survey.Title, questions = draft.Questions.Count });
        await SaveStampedAsync(survey, ct);
        return survey;
    }

    /// <summary>Draft → Active, Active → Closed, Closed → Active; anything else is a conflict.</summary>
    public async Task<ServiceResult<Survey>> SetStatusAsync(string organizationId, Caller caller, string surveyId, SurveyStatus target, CancellationToken ct = default)
    {
        var found = await FindManagedAsync(db, organizationId, caller.UserId, surveyId, ct);
        if (!found.Succeeded) return found.Error;
        var survey = found.Value.Survey;
        var type = (survey.Status, target) switch
        {
            (SurveyStatus.Draft, SurveyStatus.Active) => AuditEventTypes.SurveyPublished,
            (SurveyStatus.Closed, SurveyStatus.Active) => AuditEventTypes.SurveyReopened,
            (SurveyStatus.Active, SurveyStatus.Closed) => AuditEventTypes.SurveyClosed,
            _ => null,
        };
        if (type is null)
        {
            return new ServiceError(ErrorKind.Conflict, $"A survey that is {survey.Status} cannot become {target}: it may have changed in another tab; reload.");
        }
        if (target == SurveyStatus.Active && !survey.Questions.Any(q => !q.Hidden))
        {
            return new ServiceError(ErrorKind.Conflict, "Add at least one question (not hidden) before publishing.");
        }
        survey.Status = target;
        db.AddAuditEvent(organizationId, caller, type, survey.Id, clock.GetUtcNow(), new { title = survey.Title });
        await SaveStampedAsync(survey, ct);
        return survey;
    }

    /// <summary>
    /// Deletes a survey and its responses. <paramref name="confirmedResponses"/> is the number of responses the
    /// person confirmed deleting: when the survey has gained some since, nothing is deleted and they are asked again.
    /// Keys restricted to the survey keep their restriction and so lose it (404), never gaining other surveys.
    /// </summary>
    public async Task<ServiceResult<int>> DeleteAsync(string organizationId, Caller caller, string surveyId, int confirmedResponses, CancellationToken ct = default)
    {
        var found = await FindManagedAsync(db, organizationId, caller.UserId, surveyId, ct);
        if (!found.Succeeded) return found.Error;
        var survey = found.Value.Survey;
        if (survey.ResponseCount != confirmedResponses)
        {
            return new ServiceError(ErrorKind.Conflict,
                $"The survey now has {survey.ResponseCount:N0} response{(survey.ResponseCount == 1 ? "" : "s")}; confirm again to delete them with it.");
        }
        db.Surveys.Remove(survey);
        db.AddAuditEvent(organizationId, caller, AuditEventTypes.SurveyDeleted, survey.Id, clock.GetUtcNow(),
            new { title = survey.Title, responses = survey.ResponseCount });
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            await AnnounceAsync(survey.Id, ct);
            await CommitAsync(tx, survey.Id); // no 304 for it from now on: the full read says 404
        }
        return survey.ResponseCount;
    }

    // Other instances forget the survey's stamp (SurveyStamps) and form (PublicForms) when the transaction commits (edits are rare, so
    // the notice rides in the transaction and cannot be lost); this one right after the commit.
    private static readonly string AnnounceSql = $"{SurveyStamps.NotifySql("{0}")}; {PublicForms.NotifySql("{0}")}";

    private async Task AnnounceAsync(string surveyId, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync(AnnounceSql, [surveyId], ct);
        }
    }

    // Committed whatever the request does now, and forgotten even when the commit's outcome is unknown.
    private async Task CommitAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, string surveyId)
    {
        try
        {
            await tx.CommitAsync(CancellationToken.None);
        }
        finally
        {
            stamps.Changed(surveyId);
            forms.Changed(surveyId);
        }
    }

    /// <summary>The survey (tracked, with its questions) if the user may manage it: its owner, or an owner or admin of the organization.</summary>
    internal static async Task<ServiceResult<ManagedSurvey>> FindManagedAsync(QuestraDbContext db, string organizationId, string userId, string surveyId,
        CancellationToken ct)
    {
        if (await db.RoleOfAsync(organizationId, userId, ct) is not { } role) return ServiceError.NotAMember;
        var survey = Ids.HasShape(surveyId, Survey.IdPrefix)
            ? await db.Surveys.Include(s => s.Questions).SingleOrDefaultAsync(s => s.Id == surveyId && s.OrganizationId == organizationId, ct)
            : null;
        if (survey is null) return ServiceError.NotFound("There is no such survey in this organization; it may have been deleted.");
        if (role == OrgRole.Member && survey.OwnerUserId != userId)
        {
            return ServiceError.Forbidden("The survey belongs to another member. Members manage only the surveys they own; ask an admin.");
        }
        return new ManagedSurvey(survey, role);
    }

    private Task<AnswerCounts> CountsAsync(Survey survey, CancellationToken ct) =>
        survey.ResponseCount == 0 && survey.Status == SurveyStatus.Draft ? Task.FromResult(AnswerCounts.None) : AnswerCounts.OfAsync(db, survey, ct);

    // The draft on its own: sizes, kinds, options where the kind has them.
    private static ServiceError? Shape(SurveyDraft draft)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];
        var title = draft.Title?.Trim() ?? "";
        if (title.Length == 0) Add("Title", "Give the survey a title.");
        else if (title.Length > SurveyLimits.TitleMaxLength) Add("Title", $"Keep the title under {SurveyLimits.TitleMaxLength} characters.");
        if ((draft.Description?.Trim().Length ?? 0) > SurveyLimits.DescriptionMaxLength)
        {
            Add("Description", $"Keep the description under {SurveyLimits.DescriptionMaxLength:N0} characters.");
        }
        if (draft.Questions.Count > SurveyLimits.MaxQuestions) Add("Questions", $"A survey has at most {SurveyLimits.MaxQuestions} questions.");
        for (var i = 0; i < draft.Questions.Count && i < SurveyLimits.MaxQuestions; i++)
        {
            var q = draft.Questions[i];
            var field = $"Questions[{i}]";
            var text = q.Text?.Trim() ?? "";
            if (text.Length == 0) Add($"{field}.Text", $"Question {i + 1} needs a text.");
            else if (text.Length > SurveyLimits.QuestionMaxLength) Add($"{field}.Text", $"Keep question {i + 1} under {SurveyLimits.QuestionMaxLength} characters.");
            if (!QuestionKinds.IsKnown(q.Kind)) { Add($"{field}.Kind", $"Question {i + 1} has no kind Questra knows."); continue; }
            if (!QuestionKinds.HasOptions(q.Kind))
            {
                if (q.Options.Count > 0) Add($"{field}.Options", $"Question {i + 1} is {QuestionKinds.Label(q.Kind).ToLowerInvariant()}: it has no options.");
                continue;
            }
            var options = q.Options.Select(o => o.Text?.Trim() ?? "").ToList();
            if (options.Count < SurveyLimits.MinOptions || options.Count > SurveyLimits.MaxOptions)
            {
                Add($"{field}.Options", $"Question {i + 1} needs {SurveyLimits.MinOptions} to {SurveyLimits.MaxOptions} options.");
            }
            else if (options.Any(o => o.Length == 0 || o.Length > SurveyLimits.OptionMaxLength))
            {
                Add($"{field}.Options", $"Every option of question {i + 1} needs a text of up to {SurveyLimits.OptionMaxLength} characters.");
            }
            else if (options.Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.Count)
            {
                Add($"{field}.Options", $"Question {i + 1} lists the same option twice.");
            }
        }
        return errors.Count == 0 ? null : new ServiceError(ErrorKind.Validation, errors.Values.First()[0], errors);
    }

    // What an edit may not do to a survey whose questions have answers, and ids that are not this survey's.
    private static ServiceError? KeepsAnswers(Survey survey, SurveyDraft draft, AnswerCounts counts)
    {
        var stored = survey.Questions.ToDictionary(q => q.Id);
        var kept = new HashSet<long>();
        for (var i = 0; i < draft.Questions.Count; i++)
        {
            var q = draft.Questions[i];
            if (q.Id is not { } id) continue;
            if (!stored.TryGetValue(id, out var old) || !kept.Add(id))
            {
                return ServiceError.Field($"Questions[{i}]", $"Question {i + 1} is not part of this survey any more; reload the editor.");
            }
            var answered = counts.Of(id);
            if (old.Kind != q.Kind && answered > 0)
            {
                return ServiceError.Field($"Questions[{i}].Kind",
                    $"Question {i + 1} has {answered:N0} answer{(answered == 1 ? "" : "s")}: its kind cannot change. Add a new question instead.");
            }
            var options = old.Options.ToDictionary(o => o.Id);
            var keptOptions = new HashSet<int>();
            foreach (var option in q.Options.Where(o => o.Id is not null))
            {
                if (!options.ContainsKey(option.Id!.Value) || !keptOptions.Add(option.Id.Value) || old.Kind != q.Kind)
                {
                    return ServiceError.Field($"Questions[{i}].Options", $"An option of question {i + 1} is not part of it any more; reload the editor.");
                }
            }
            foreach (var removed in old.Options.Where(o => !keptOptions.Contains(o.Id) && old.Kind == q.Kind))
            {
                if (counts.Of(id, removed.Id) is > 0 and var n)
                {
                    return ServiceError.Field($"Questions[{i}].Options",
                        $"The option \"{removed.Text}\" of question {i + 1} was chosen {n:N0} time{(n == 1 ? "" : "s")}: it cannot be deleted. Rename it instead.");
                }
            }
        }
        foreach (var removed in survey.Questions.Where(q => !kept.Contains(q.Id)))
        {
            if (counts.Of(removed.Id) is > 0 and var n)
            {
                return ServiceError.Field("Questions",
                    $"The question \"{removed.Text}\" has {n:N0} answer{(n == 1 ? "" : "s")}: it cannot be deleted. Hide it instead.");
            }
        }
        return null;
    }

    // Writes a checked draft onto the survey: texts, order, new questions and options with fresh ids.
    private void Apply(Survey survey, SurveyDraft draft)
    {
        var stored = survey.Questions.ToDictionary(q => q.Id);
        var keep = draft.Questions.Where(q => q.Id is not null).Select(q => q.Id!.Value).ToHashSet();
        foreach (var gone in survey.Questions.Where(q => !keep.Contains(q.Id)).ToList())
        {
            survey.Questions.Remove(gone);
            if (db.Entry(gone).State != EntityState.Detached) db.SurveyQuestions.Remove(gone);
        }
        for (var i = 0; i < draft.Questions.Count; i++)
        {
            var q = draft.Questions[i];
            var question = q.Id is { } id ? stored[id] : new SurveyQuestion { SurveyId = survey.Id, Text = "", Kind = q.Kind };
            question.Position = i;
            question.Text = q.Text.Trim();
            question.Kind = q.Kind;
            question.Required = q.Required;
            question.Hidden = q.Hidden;
            var next = question.Options.Count == 0 ? 1 : question.Options.Max(o => o.Id) + 1;
            question.Options = QuestionKinds.HasOptions(q.Kind)
                ? [.. q.Options.Select(o => new QuestionOption(o.Id ?? next++, o.Text.Trim()))]
                : [];
            if (q.Id is null) survey.Questions.Add(question);
        }
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
