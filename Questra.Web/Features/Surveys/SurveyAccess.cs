using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.Surveys;

/// <summary>Whose eyes look at surveys: a user with a role in an org, optionally through a survey-restricted key.</summary>
public sealed record SurveySummary(string Id, string Title, SurveyStatus Status, DateTimeOffset CreatedAt, string OwnerUserId, int ResponseCount,
    DateTimeOffset UpdatedAt = default);

public sealed record SurveyViewer(string OrganizationId, string UserId, OrgRole Role, IReadOnlyList<string>? Restriction = null)
{
    /// <summary>Rule 5: a member sees only the surveys they own (this user's id); admins and owners all of the org's (null).</summary>
    public string? OnlyOwnedBy => Role == OrgRole.Member ? UserId : null;
}

/// <summary>A page of surveys for the dashboard, with the role it was read under (members see only their own).</summary>
public sealed record SurveyListing(Page<SurveySummary> Page, OrgRole Role);

public sealed record SurveyChoice(string Id, string Title);

/// <summary>
/// Survey visibility (rules 5 and 6): members see the surveys they own, admins and owners every survey of the
/// org; a key restricted to some surveys sees only those, and answers 404 for the rest so it cannot learn they exist.
/// </summary>
public sealed class SurveyAccess(IServiceProvider services, SurveyReads reads)
{
    // Taken from the request's scope when first needed: the API's survey reads (SurveyReads) never rent one.
    private QuestraDbContext Db => field ??= services.GetRequiredService<QuestraDbContext>();

    public IQueryable<Survey> Visible(SurveyViewer viewer)
    {
        var query = Db.Surveys.AsNoTracking().Where(s => s.OrganizationId == viewer.OrganizationId);
        if (viewer.OnlyOwnedBy is { } owner)
        {
            query = query.Where(s => s.OwnerUserId == owner);
        }
        if (viewer.Restriction is { } ids)
        {
            query = query.Where(s => ids.Contains(s.Id));
        }
        return query;
    }

    /// <summary>
    /// The dashboard's survey list: the user's role is read now, not taken from the open page, so a removed
    /// member's tab gets nothing and a demoted one's gets the narrower view.
    /// </summary>
    public async Task<ServiceResult<SurveyListing>> ListForUserAsync(string organizationId, string userId, int page, int pageSize, CancellationToken ct = default)
    {
        if (await Db.RoleOfAsync(organizationId, userId, ct) is not { } role)
        {
            return ServiceError.NotAMember;
        }
        return new SurveyListing(await ListAsync(new SurveyViewer(organizationId, userId, role), page, pageSize, ct), role);
    }

    /// <summary>The surveys a user may restrict a new key to (the create dialog's list), read with the role as it is now.</summary>
    public async Task<ServiceResult<List<SurveyChoice>>> ChoicesForUserAsync(string organizationId, string userId, int max, CancellationToken ct = default)
    {
        if (await Db.RoleOfAsync(organizationId, userId, ct) is not { } role)
        {
            return ServiceError.NotAMember;
        }
        return await Visible(new SurveyViewer(organizationId, userId, role))
            .OrderBy(s => s.Title).ThenBy(s => s.Id).Take(max).Select(s => new SurveyChoice(s.Id, s.Title)).ToListAsync(ct);
    }

    /// <summary>
    /// Titles of the surveys a key is restricted to, for its detail page (callers first check that the user may see
    /// the key; a survey deleted since keeps its id and no title).
    /// </summary>
    internal Task<Dictionary<string, string>> TitlesAsync(string organizationId, IReadOnlyCollection<string> surveyIds, CancellationToken ct = default) =>
        Db.Surveys.AsNoTracking().Where(s => s.OrganizationId == organizationId && surveyIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Title, ct);

    /// <summary>A page of the visible surveys, newest first, each with its response count (counted by the database).</summary>
    public Task<Page<SurveySummary>> ListAsync(SurveyViewer viewer, int page, int pageSize, CancellationToken ct = default) =>
        // The same filters as Visible: the org, the member's own surveys, the key's restriction.
        reads.PageAsync(viewer.OrganizationId, viewer.OnlyOwnedBy, viewer.Restriction, page, pageSize, ct);

    /// <summary>
    /// The visible surveys after <paramref name="after"/> in the list's order (newest first, ties by id), read from
    /// the index: the same cost for the first page and the five-thousandth. A survey made meanwhile is newer than any
    /// position, so it never shifts the rest (no item twice, none skipped).
    /// </summary>
    public async Task<Slice<SurveySummary>> NewestAsync(SurveyViewer viewer, KeysetPosition? after, int limit, CancellationToken ct = default) =>
        Cut(await reads.NewestAsync(viewer.OrganizationId, viewer.OnlyOwnedBy, viewer.Restriction, after, limit + 1, ct), limit);

    /// <summary>
    /// The visible surveys changed after <paramref name="since"/> (or after <paramref name="after"/>, where a previous
    /// page stopped) and no later than <paramref name="upTo"/>, oldest change first, ties by id.
    /// </summary>
    public async Task<Slice<SurveySummary>> ChangedAsync(SurveyViewer viewer, DateTimeOffset since, KeysetPosition? after, DateTimeOffset upTo, int limit,
        CancellationToken ct = default)
    {
        var query = Visible(viewer).Where(s => s.UpdatedAt <= upTo);
        if (after is { Id: { } id } position)
        {
            var at = position.At;
            query = query.Where(s => s.UpdatedAt >= at).Where(s => s.UpdatedAt > at || (s.UpdatedAt == at && string.Compare(s.Id, id) > 0));
        }
        else
        {
            var from = after?.At ?? since;
            query = query.Where(s => s.UpdatedAt > from);
        }
        return Cut(await Summaries(query.OrderBy(s => s.UpdatedAt).ThenBy(s => s.Id)).Take(limit + 1).ToListAsync(ct), limit);
    }

    private static IQueryable<SurveySummary> Summaries(IQueryable<Survey> query) =>
        query.Select(s => new SurveySummary(s.Id, s.Title, s.Status, s.CreatedAt, s.OwnerUserId, s.ResponseCount, s.UpdatedAt));

    private static Slice<T> Cut<T>(List<T> rows, int limit) => new(rows.Count > limit ? rows.GetRange(0, limit) : rows, rows.Count > limit);

    public async Task<ServiceResult<SurveyDetail>> FindAsync(SurveyViewer viewer, string surveyId, bool withQuestions, CancellationToken ct = default)
    {
        if (viewer.Restriction is { } ids && !ids.Contains(surveyId, StringComparer.Ordinal))
        {
            return NotFound(surveyId);
        }
        var survey = await reads.FindAsync(viewer.OrganizationId, surveyId, withQuestions, ct, ownedBy: viewer.OnlyOwnedBy);
        if (survey is null)
        {
            return NotFound(surveyId);
        }
        if (viewer.OnlyOwnedBy is { } owner && survey.OwnerUserId != owner)
        {
            return ServiceError.Forbidden(
                "The survey belongs to another member. Members can read only the surveys they own; ask an admin.");
        }
        return survey;
    }

    /// <summary>
    /// When the survey last changed (<see cref="SurveyStamp"/>), if the viewer may read it; null otherwise (the full
    /// read, <see cref="FindAsync"/>, then says why). One row, no questions: what a conditional read needs.
    /// </summary>
    public async Task<DateTimeOffset?> StampAsync(SurveyViewer viewer, string surveyId, CancellationToken ct = default)
    {
        if (viewer.Restriction is { } ids && !ids.Contains(surveyId, StringComparer.Ordinal)) return null;
        if (await reads.StampAsync(viewer.OrganizationId, surveyId, ct) is not { } found) return null;
        return viewer.OnlyOwnedBy is { } owner && found.OwnerUserId != owner ? null : found.UpdatedAt;
    }

    private static ServiceError NotFound(string surveyId) =>
        ServiceError.NotFound($"No survey with id '{Sanitize(surveyId)}' is visible to this key.");

    // Echo only a bounded, printable id back to the caller.
    private static string Sanitize(string id) =>
        Ids.IsBase62(id.Replace("_", "")) && id.Length <= 80 ? id : "(invalid id)";
}
