using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Questra.Web.Components;

namespace Questra.Web.Tests.Components;

[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public class TabCountsTests
{
    private static TabCounts Counts(int limit) => new(Options.Create(new DashboardOptions { MaxTabsPerUser = limit }), NullLogger<TabCounts>.Instance);

    [Fact]
    public void UpToTheLimitWork_AsManyAgainShowTheNotice_BeyondThatNoneOpens()
    {
        var counts = Counts(3);

        Assert.Equal([TabPlace.Working, TabPlace.Working, TabPlace.Working], Enumerable.Range(0, 3).Select(_ => counts.TryOpen("u1")));
        Assert.Equal([TabPlace.NoticeOnly, TabPlace.NoticeOnly, TabPlace.NoticeOnly], Enumerable.Range(0, 3).Select(_ => counts.TryOpen("u1")));
        Assert.Equal(TabPlace.None, counts.TryOpen("u1"));
        Assert.Equal(6, counts.OpenTabsOf("u1"));

        // Another person is not affected.
        Assert.Equal(TabPlace.Working, counts.TryOpen("u2"));
    }

    [Fact]
    public void ClosingTabsGivesPlacesBack_AndForgetsAPersonWithNone()
    {
        var counts = Counts(2);
        counts.TryOpen("u");
        counts.TryOpen("u");
        counts.TryOpen("u");

        counts.Close("u");
        counts.Close("u");
        Assert.Equal(TabPlace.Working, counts.TryOpen("u"));
        counts.Close("u");
        counts.Close("u");
        counts.Close("u"); // more closes than opens change nothing

        Assert.Equal(0, counts.OpenTabsOf("u"));
        Assert.Equal(TabPlace.Working, counts.TryOpen("u"));
    }

    [Fact]
    public async Task ConcurrentOpens_NeverGiveMoreWorkingPlacesThanTheLimit()
    {
        var counts = Counts(5);

        var places = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => counts.TryOpen("u"))));

        Assert.Equal(5, places.Count(p => p == TabPlace.Working));
        Assert.Equal(5, places.Count(p => p == TabPlace.NoticeOnly));
        Assert.Equal(54, places.Count(p => p == TabPlace.None));
    }
}
