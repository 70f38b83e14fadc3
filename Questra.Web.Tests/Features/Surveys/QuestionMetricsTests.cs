using Questra.Web.Features.Surveys;

namespace Questra.Web.Tests.Features.Surveys;

/// <summary>
/// Per-question counts and what they withhold: every count from 1 to the minimum is withheld, and no withheld count
/// can be worked out by subtracting visible ones — within a question (its counts add up to "answered"), down the
/// periods (they add up to the range), or from a scale's mean.
/// </summary>
[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public sealed class QuestionMetricsTests
{
    private static readonly DateOnly Day1 = new(2026, 11, 2); // a Monday
    private static readonly DateOnly Day2 = new(2026, 11, 3);

    private static QuestionView Choice(long id, string kind = QuestionKinds.SingleChoice) =>
        new(1, "Colour?", kind, false, false, [new(1, "Red"), new(2, "Green"), new(3, "Blue")], id);

    private static QuestionView Scale(long id) => new(2, "Rate us", QuestionKinds.Rating, true, false, [], id);

    private static List<(long, DateOnly, int, int)> Rows(long question, DateOnly day, int answered, params (int Value, int Count)[] cells) =>
        [(question, day, SurveyAnswerDay.Answered, answered), .. cells.Select(c => (question, day, c.Value, c.Count))];

    private static int? CountOf(QuestionPeriod period, int key) => period.Cells.Single(c => c.Key == key).Count.Count;

    [Fact]
    public void ASmallCount_IsWithheld_WithTheNextSmallest_SoThatAnsweredMinusTheRestTellsNothing()
    {
        var rows = Rows(10, Day1, 15, (1, 7), (2, 6), (3, 2));
        var total = QuestionMetrics.Build([Choice(10)], rows, MetricsInterval.None, 5).Single().Total;

        Assert.Equal(15, total.Answered.Count);
        Assert.Equal(7, CountOf(total, 1));
        Assert.Null(CountOf(total, 3)); // 2 < 5
        Assert.Null(CountOf(total, 2)); // 6 ≥ 5, but 15 − 7 − 6 would give the 2 back
        Assert.True(total.Cells.Single(c => c.Key == 2).Count.Suppressed);
        Assert.Equal("Green", total.Cells.Single(c => c.Key == 2).Text);
    }

    [Fact]
    public void Zero_IsShown_AndAQuestionAnsweredByTooFewWithholdsEverything()
    {
        var shown = QuestionMetrics.Build([Choice(10)], Rows(10, Day1, 12, (1, 12)), MetricsInterval.None, 5).Single().Total;
        Assert.Equal(12, CountOf(shown, 1));
        Assert.Equal(0, CountOf(shown, 2));
        Assert.Equal(0, CountOf(shown, 3));

        // Three answered (the response totals tell that much) and all chose Red: shown zeros beside a withheld Red
        // would say so, so the zeros go with it.
        var few = QuestionMetrics.Build([Choice(10)], Rows(10, Day1, 3, (1, 3)), MetricsInterval.None, 5).Single().Total;
        Assert.True(few.Answered.Suppressed);
        Assert.All(few.Cells, c => Assert.True(c.Count.Suppressed));
    }

    [Fact]
    public void ARangeCountWithheldAsAComplement_CannotBeAddedUpFromItsPeriods()
    {
        // Day 1: A=3, B=8, C=6; day 2: A=0, B=0, C=10. B's range count (8) is withheld beside A's (3); were both of
        // B's periods shown, 8 + 0 would give it back, and answered − C − B would give A.
        var rows = new List<(long, DateOnly, int, int)>([.. Rows(10, Day1, 17, (1, 3), (2, 8), (3, 6)), .. Rows(10, Day2, 10, (3, 10))]);
        var built = QuestionMetrics.Build([Choice(10)], rows, MetricsInterval.Day, 5).Single();
        Assert.True(built.Total.Cells.Single(c => c.Key == 2).Count.Suppressed);
        Assert.True(built.Periods!.Count(p => p.Counts.Cells.Single(c => c.Key == 2).Count.Suppressed) >= 2);
        AssertNothingDerivable(built, 5);
    }

    [Fact]
    public void AScalesMean_IsWithheldWhenOneOfItsCountsIs()
    {
        var open = QuestionMetrics.Build([Scale(20)], Rows(20, Day1, 12, (5, 6), (4, 6)), MetricsInterval.None, 5).Single().Total;
        Assert.Equal(4.5, open.Mean);
        Assert.False(open.MeanSuppressed);
        Assert.Equal(5, open.Cells.Count); // 1 to 5, zeros included

        var hidden = QuestionMetrics.Build([Scale(20)], Rows(20, Day1, 14, (5, 6), (4, 6), (1, 2)), MetricsInterval.None, 5).Single().Total;
        Assert.Null(hidden.Mean);
        Assert.True(hidden.MeanSuppressed);
    }

    [Fact]
    public void TextQuestions_HaveOnlyAnAnsweredCount_AndMultipleChoiceCountsStandAlone()
    {
        var text = new QuestionView(3, "City?", QuestionKinds.ShortText, false, false, [], 30);
        var multiple = Choice(40, QuestionKinds.MultipleChoice);
        var built = QuestionMetrics.Build([text, multiple], [.. Rows(30, Day1, 9), .. Rows(40, Day1, 10, (1, 9), (2, 8), (3, 2))], MetricsInterval.None, 5);

        Assert.Equal(9, built[0].Total.Answered.Count);
        Assert.Empty(built[0].Total.Cells);
        // Several may be chosen at once: the counts do not add up to "answered", so only the small one goes.
        Assert.Equal(9, CountOf(built[1].Total, 1));
        Assert.Equal(8, CountOf(built[1].Total, 2));
        Assert.Null(CountOf(built[1].Total, 3));
    }

    [Fact]
    public void Periods_WithholdDownEachOption_SoThatTheRangeMinusTheOtherPeriodsTellsNothing()
    {
        var rows = new List<(long, DateOnly, int, int)>([.. Rows(10, Day1, 20, (1, 10), (2, 10)), .. Rows(10, Day2, 10, (1, 2), (2, 8))]);
        var built = QuestionMetrics.Build([Choice(10)], rows, MetricsInterval.Day, 5).Single();

        Assert.Equal(12, CountOf(built.Total, 1)); // the range's own counts are large
        var (first, second) = (built.Periods![0].Counts, built.Periods[1].Counts);
        Assert.Equal(Day1, built.Periods[0].Start);
        Assert.Null(CountOf(second, 1)); // 2
        Assert.Null(CountOf(second, 2)); // its complement in the day
        Assert.Null(CountOf(first, 1));  // else 12 − 10 gives the 2 back
        Assert.Null(CountOf(first, 2));
        AssertNothingDerivable(built, 5);
    }

    [Fact]
    public void Weeks_StartOnMonday()
    {
        Assert.Equal(Day1, QuestionMetrics.Start(new DateOnly(2026, 11, 8), MetricsInterval.Week)); // a Sunday
        Assert.Equal(Day1, QuestionMetrics.Start(Day1, MetricsInterval.Week));
    }

    [Fact]
    public void WhateverTheCounts_EverySmallCountIsWithheld_AndNoneCanBeWorkedOut()
    {
        var random = new Random(20261206);
        for (var round = 0; round < 500; round++)
        {
            var minCell = random.Next(1, 8);
            var kind = random.Next(3) switch { 0 => QuestionKinds.SingleChoice, 1 => QuestionKinds.Rating, _ => QuestionKinds.MultipleChoice };
            var question = kind == QuestionKinds.Rating ? Scale(7) : Choice(7, kind);
            var keys = kind == QuestionKinds.Rating ? Enumerable.Range(1, 5).ToArray() : [1, 2, 3];
            var rows = new List<(long, DateOnly, int, int)>();
            foreach (var day in Enumerable.Range(0, random.Next(1, 5)).Select(d => Day1.AddDays(d)))
            {
                var cells = keys.Select(k => (k, random.Next(0, 3) == 0 ? 0 : random.Next(1, 12))).ToArray();
                var answered = kind == QuestionKinds.MultipleChoice ? cells.Max(c => c.Item2) + random.Next(0, 3) : cells.Sum(c => c.Item2);
                rows.AddRange(Rows(7, day, answered, cells));
            }
            var built = QuestionMetrics.Build([question], rows, MetricsInterval.Day, minCell).Single();
            AssertNothingDerivable(built, minCell);
        }
    }

    // The promise, checked from the outside: small counts are withheld; where counts add up to a shown whole, none or
    // at least two are withheld (together at least the minimum); down the periods likewise; a mean only with all its counts.
    private static void AssertNothingDerivable(QuestionAggregate built, int minCell)
    {
        var addsUp = built.Kind != QuestionKinds.MultipleChoice;
        var periods = built.Periods ?? [];
        foreach (var period in periods.Select(p => p.Counts).Append(built.Total))
        {
            Assert.All(period.Cells, c => Assert.False(c.Count.Count is > 0 and var n && n < minCell, $"a count under {minCell} shown"));
            var hidden = period.Cells.Where(c => c.Count.Suppressed).ToList();
            // "answered" is known whether shown or not (the response totals tell it).
            if (addsUp && hidden.Count > 0) Assert.True(hidden.Count >= 2, "one withheld count in a question whose counts add up to a known whole");
            if (hidden.Count > 0) Assert.True(period.MeanSuppressed || built.Kind != QuestionKinds.Rating);
        }
        if (periods.Count < 2) return;
        foreach (var key in built.Total.Cells.Select(c => c.Key))
        {
            var rangeHidden = built.Total.Cells.Single(c => c.Key == key).Count.Suppressed;
            var hiddenDown = periods.Count(p => p.Counts.Cells.Single(c => c.Key == key).Count.Suppressed);
            Assert.True(hiddenDown != 1, $"one withheld period of option {key}: the range's count gives it back");
            Assert.False(rangeHidden && hiddenDown == 0, $"option {key}'s withheld range count is the sum of its shown periods");
        }
    }
}
