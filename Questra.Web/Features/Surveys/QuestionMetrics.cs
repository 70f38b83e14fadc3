namespace Questra.Web.Features.Surveys;

/// <summary>One count as the API shows it: null and <see cref="Suppressed"/> when it is withheld.</summary>
public sealed record CellCount(int? Count, bool Suppressed)
{
    public static CellCount Withheld { get; } = new(null, true);
}

/// <summary>An option of a choice question, or a value of a scale question, with how often it was given.</summary>
public sealed record AnswerCell(int Key, string? Text, CellCount Count);

/// <summary>One question's counts over a period: how many answered it, per option or value, and a scale's mean.</summary>
public sealed record QuestionPeriod(CellCount Answered, IReadOnlyList<AnswerCell> Cells, double? Mean, bool MeanSuppressed);

public sealed record PeriodCounts(DateOnly Start, QuestionPeriod Counts);

public sealed record QuestionAggregate(long QuestionId, int Position, string Text, string Kind, bool Hidden, QuestionPeriod Total, IReadOnlyList<PeriodCounts>? Periods);

public enum MetricsInterval { None, Day, Week }

public sealed record QuestionMetricsResult(string SurveyId, DateOnly? From, DateOnly? To, MetricsInterval Interval, int MinCellSize,
    IReadOnlyList<QuestionAggregate> Questions);

/// <summary>
/// Per-question aggregates from the answer counts (<see cref="SurveyAnswerDay"/>), never from the answers. Counts
/// from 1 to <c>minCell − 1</c> are withheld, and so is what would let one be worked out by subtraction:
/// <list type="bullet">
/// <item>a choice or scale question's counts add up to how many answered it (which the response totals tell anyway),
/// so where one count is withheld, the next smallest is too, until at least two are and together they reach the
/// minimum (if nothing is left to withhold, the answered count goes as well);</item>
/// <item>with periods, a count over the whole range is the sum of its periods: the same rule runs down each option
/// or value across the periods, whether the range's count is shown or withheld (it may be worked out from the
/// others), and the rules repeat until none withholds more;</item>
/// <item>"answered" is taken as known (the response totals tell it): a withheld count among shown zeros takes a zero
/// with it;</item>
/// <item>a scale's mean is withheld whenever one of its counts is (it would give them back).</item>
/// </list>
/// Zero is shown: it singles out nobody. What this does not stop: comparing answers for overlapping date ranges.
/// </summary>
public static class QuestionMetrics
{
    public static IReadOnlyList<QuestionAggregate> Build(IReadOnlyList<QuestionView> questions,
        IReadOnlyList<(long QuestionId, DateOnly Day, int Value, int Count)> rows, MetricsInterval interval, int minCell)
    {
        var result = new List<QuestionAggregate>();
        var byQuestion = rows.ToLookup(r => r.QuestionId);
        foreach (var question in questions)
        {
            var id = question.Id;
            var keys = KeysOf(question);
            var mine = byQuestion[id].ToList();
            var total = Counts(keys, mine);
            List<(DateOnly Start, Dictionary<int, int> Counts)>? periods = null;
            if (interval != MetricsInterval.None)
            {
                periods = [.. mine.GroupBy(r => Start(r.Day, interval)).OrderBy(g => g.Key).Select(g => (g.Key, Counts(keys, g)))];
            }
            var withheld = Withhold(question.Kind, keys, total, periods?.Select(p => p.Counts).ToList() ?? [], minCell);
            result.Add(new QuestionAggregate(id, question.Position, question.Text, question.Kind, question.Hidden,
                Show(question, keys, total, withheld.Total),
                periods?.Select((p, i) => new PeriodCounts(p.Start, Show(question, keys, p.Counts, withheld.Periods[i]))).ToList()));
        }
        return result;
    }

    public static DateOnly Start(DateOnly day, MetricsInterval interval) =>
        interval == MetricsInterval.Week ? day.AddDays(-(((int)day.DayOfWeek + 6) % 7)) : day; // ISO weeks start on Monday

    // The keys a question is counted under: its options, or its scale's values; Answered first.
    private static List<int> KeysOf(QuestionView question) =>
        QuestionKinds.HasOptions(question.Kind) ? [.. question.Options.Select(o => o.Id)]
        : QuestionKinds.IsScale(question.Kind) ? [.. Enumerable.Range(QuestionKinds.ScaleOf(question.Kind).Min, QuestionKinds.ScaleOf(question.Kind).Max - QuestionKinds.ScaleOf(question.Kind).Min + 1)]
        : [];

    private static Dictionary<int, int> Counts(List<int> keys, IEnumerable<(long QuestionId, DateOnly Day, int Value, int Count)> rows)
    {
        var counts = keys.ToDictionary(k => k, _ => 0);
        counts[SurveyAnswerDay.Answered] = 0;
        foreach (var row in rows)
        {
            if (counts.ContainsKey(row.Value)) counts[row.Value] += row.Count; // an option deleted since has no key: not shown
        }
        return counts;
    }

    private sealed record Withheld(HashSet<int> Total, List<HashSet<int>> Periods);

    private static Withheld Withhold(string kind, List<int> keys, Dictionary<int, int> total, List<Dictionary<int, int>> periods, int minCell)
    {
        bool Small(int count) => count > 0 && count < minCell;
        HashSet<int> Primary(Dictionary<int, int> counts) => [.. counts.Where(c => Small(c.Value)).Select(c => c.Key)];
        var totalHidden = Primary(total);
        var periodHidden = periods.Select(Primary).ToList();
        // Counts that add up to a known whole: the cells of a single choice or a scale add up to "answered".
        var addsUp = kind == QuestionKinds.SingleChoice || QuestionKinds.IsScale(kind);
        for (var changed = true; changed;)
        {
            changed = false;
            if (addsUp)
            {
                changed |= Complete(keys, total, totalHidden, minCell);
                for (var i = 0; i < periods.Count; i++) changed |= Complete(keys, periods[i], periodHidden[i], minCell);
            }
            // Down each key (and "answered") across the periods: they add up to the count over the range, which may be
            // shown or worked out from the other counts. So the same rule as across a question: none withheld, or at
            // least two that together reach the minimum; when no period is left to withhold, the range's count goes.
            if (periods.Count < 2) continue;
            foreach (var key in keys.Append(SurveyAnswerDay.Answered))
            {
                var column = periods.Select((p, i) => (Index: i, Count: p[key])).ToList();
                var hidden = column.Where(c => periodHidden[c.Index].Contains(key)).ToList();
                if (hidden.Count == 0 && !totalHidden.Contains(key)) continue;
                if (hidden.Count >= 2 && hidden.Sum(c => c.Count) >= minCell) continue;
                var visible = column.Where(c => !periodHidden[c.Index].Contains(key)).OrderBy(c => c.Count == 0).ThenBy(c => c.Count).ToList();
                if (visible.Count > 0) periodHidden[visible[0].Index].Add(key);
                else if (!totalHidden.Add(key)) continue;
                changed = true;
            }
        }
        return new Withheld(totalHidden, periodHidden);
    }

    // Where some of the cells that add up to "answered" are withheld, withholds the next smallest until at least two
    // are and they reach the minimum together; when none is left, "answered" goes too. True if it withheld more.
    private static bool Complete(List<int> keys, Dictionary<int, int> counts, HashSet<int> hidden, int minCell)
    {
        var changed = false;
        while (true)
        {
            var hiddenCells = keys.Where(hidden.Contains).ToList();
            if (hiddenCells.Count == 0 || (hiddenCells.Count >= 2 && hiddenCells.Sum(k => counts[k]) >= minCell)) return changed;
            // The smallest count still shown; a zero only when no other is left ("answered" is known: the response
            // totals tell it, so one withheld count among shown zeros would be plain to see).
            var next = keys.Where(k => !hidden.Contains(k)).OrderBy(k => counts[k] == 0).ThenBy(k => counts[k]).ThenBy(k => k).Select(k => (int?)k).FirstOrDefault();
            if (next is null)
            {
                if (hidden.Add(SurveyAnswerDay.Answered)) changed = true;
                return changed;
            }
            hidden.Add(next.Value);
            changed = true;
        }
    }

    private static QuestionPeriod Show(QuestionView question, List<int> keys, Dictionary<int, int> counts, HashSet<int> hidden)
    {
        CellCount Cell(int key) => hidden.Contains(key) ? CellCount.Withheld : new CellCount(counts[key], false);
        var cells = keys.Select(k => new AnswerCell(k, question.Options.FirstOrDefault(o => o.Id == k)?.Text, Cell(k))).ToList();
        double? mean = null;
        var meanHidden = false;
        if (QuestionKinds.IsScale(question.Kind))
        {
            var answered = keys.Sum(k => counts[k]);
            meanHidden = keys.Any(hidden.Contains) || hidden.Contains(SurveyAnswerDay.Answered);
            if (!meanHidden && answered > 0) mean = Math.Round(keys.Sum(k => (double)k * counts[k]) / answered, 2);
        }
        return new QuestionPeriod(Cell(SurveyAnswerDay.Answered), cells, mean, meanHidden);
    }
}
