using Microsoft.AspNetCore.Components;
using MudBlazor;
using Questra.Web.Components.Shared;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Components.Pages.Surveys;

/// <summary>
/// The survey page's actions: publish, close, reopen and delete go through <see cref="SurveyAuthoring"/>, which
/// decides; the page says what it answered and shows the survey as it is afterwards.
/// </summary>
public sealed partial class SurveyResultsPage
{
    private const int ResponsesPageSize = 20;

    [Parameter] public string Id { get; set; } = "";

    protected override string? RouteKey => Id;

    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    private SurveyResultsView? view;
    private string? unavailable;
    private string? actionError;
    private bool busy;

    private Page<ResponseRow>? responses;
    private int responsesPage = 1;

    private List<ChartSeries<double>> chartSeries = [];
    private string[] chartLabels = [];

    /// <summary>The link respondents open: under this app's own address, so it works behind a path base too.</summary>
    private string PublicLink => $"{Navigation.BaseUri}s/{view!.Survey.PublicId}";

    protected override async Task LoadAsync(OrgContext org)
    {
        var result = await Run.Run<SurveyResults, ServiceResult<SurveyResultsView>>(r => r.ForUserAsync(org.OrganizationId, org.UserId, Id));
        if (Removed(result.Error)) return;
        if (!result.Succeeded)
        {
            (view, unavailable, responses) = (null, result.Error.Message, null);
            return;
        }
        (view, unavailable) = (result.Value, null);
        BuildChart(view.Metrics);
    }

    private void BuildChart(ResponseMetrics metrics)
    {
        var today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        var days = Enumerable.Range(0, 30).Select(i => today.AddDays(i - 29)).ToList();
        var counts = metrics.ResponsesPerDay.ToDictionary(d => d.Date, d => d.Count);
        chartLabels = [.. days.Select((d, i) => i % 5 == 4 || i == 0 ? d.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "")];
        chartSeries = [new ChartSeries<double> { Name = "Responses", Data = days.Select(d => (double)counts.GetValueOrDefault(d)).ToArray() }];
    }

    private Task ReloadAsync() => LoadAsync(Org!);

    private async Task SetStatusAsync(SurveyStatus target)
    {
        if (busy || view is null) return;
        busy = true;
        actionError = null;
        try
        {
            var title = view.Survey.Title;
            var result = await Run.Run<SurveyAuthoring, ServiceResult<Survey>>(a => a.SetStatusAsync(Org!.OrganizationId, Caller, Id, target));
            if (Removed(result.Error)) return;
            if (!result.Succeeded) actionError = result.Error.Message;
            var done = (view.Survey.Status, target) switch
            {
                (SurveyStatus.Draft, _) => $"“{title}” is published: anyone with its link can answer.",
                (SurveyStatus.Closed, _) => $"“{title}” is open again.",
                _ => $"“{title}” is closed: its link takes no more responses.",
            };
            Snackbar.Report(result.Error, done);
            await ReloadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    /// <summary>The sentence the delete confirmation asks: it names the responses that go with the survey.</summary>
    public static string DeleteQuestion(string title, int responses) =>
        (responses switch
        {
            0 => $"Delete “{title}”? It has no responses.",
            1 => $"Delete “{title}” and its 1 response?",
            _ => $"Delete “{title}” and its {responses:N0} responses?",
        }) + " Keys restricted to this survey will no longer reach it.";

    private async Task DeleteAsync()
    {
        if (busy || view is null) return;
        var (title, count) = (view.Survey.Title, view.Survey.ResponseCount);
        if (!await Dialogs.ConfirmAsync("Delete survey", DeleteQuestion(title, count), "Delete", "The survey and its responses cannot be brought back.")) return;
        busy = true;
        actionError = null;
        try
        {
            // The count confirmed goes along: if responses arrived since, nothing is deleted and the page shows the new count.
            var result = await Run.Run<SurveyAuthoring, ServiceResult<int>>(a => a.DeleteAsync(Org!.OrganizationId, Caller, Id, count));
            if (Removed(result.Error)) return;
            if (result.Succeeded)
            {
                Snackbar.Add($"“{title}” is deleted.", Severity.Success);
                Navigation.NavigateTo("/");
                return;
            }
            actionError = result.Error.Message;
            Snackbar.Report(result.Error, "");
            await ReloadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    // Asked for by the person, page by page: each call is audited by the service.
    private async Task LoadResponsesAsync(int page)
    {
        if (view is null || !view.CanViewResponses) return;
        busy = true;
        actionError = null;
        try
        {
            var result = await Run.Run<SurveyResults, ServiceResult<Page<ResponseRow>>>(r =>
                r.ResponsesAsync(Org!.OrganizationId, Caller, Id, page, ResponsesPageSize));
            if (Removed(result.Error)) return;
            if (!result.Succeeded)
            {
                actionError = result.Error.Message;
                return;
            }
            (responses, responsesPage) = (result.Value, page);
        }
        finally
        {
            busy = false;
        }
    }

    private void HideResponses() => responses = null;
}
