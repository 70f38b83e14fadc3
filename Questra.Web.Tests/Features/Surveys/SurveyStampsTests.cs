using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Surveys;

/// <summary>The remembered survey stamps behind cheap 304s: never one that a change could have made stale.</summary>
[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public sealed class SurveyStampsTests
{
    private static readonly DateTimeOffset Stamp = TestClock.RealTimeToTheMinute();

    [Fact]
    public void AStamp_IsServedForItsOwnOrganizationOnly_UntilItLapses()
    {
        var clock = new TestClock();
        var stamps = new SurveyStamps(clock);
        stamps.Store("org_a", "sv_1", "user_1", Stamp, stamps.Generation);
        Assert.Equal(("user_1", Stamp), stamps.Find("org_a", "sv_1"));
        Assert.Null(stamps.Find("org_b", "sv_1"));
        Assert.Null(stamps.Find("org_a", "sv_2"));
        clock.Advance(SurveyStamps.Lifetime);
        Assert.Null(stamps.Find("org_a", "sv_1"));
    }

    [Fact]
    public void AReadThatRacedWithAChange_IsNotKept_AndAChangeForgetsTheStamp()
    {
        var stamps = new SurveyStamps(new TestClock());
        var before = stamps.Generation; // a read starts, sees the old stamp…
        stamps.Changed("sv_1");          // …a change commits meanwhile…
        stamps.Store("org_a", "sv_1", "user_1", Stamp, before); // …and what the read saw is refused
        Assert.Null(stamps.Find("org_a", "sv_1"));

        stamps.Store("org_a", "sv_1", "user_1", Stamp, stamps.Generation);
        stamps.Store("org_a", "sv_2", "user_1", Stamp, stamps.Generation);
        stamps.Changed("sv_1");
        Assert.Null(stamps.Find("org_a", "sv_1"));
        Assert.NotNull(stamps.Find("org_a", "sv_2")); // another survey's stamp stays
    }

    [Fact]
    public void WithOtherInstances_StampsAreServedOnlyUnderALease_AndNoneWhileTheChannelIsDown()
    {
        var stamps = new SurveyStamps(new TestClock());
        stamps.RequireLease();
        stamps.Store("org_a", "sv_1", "user_1", Stamp, stamps.Generation);
        Assert.Null(stamps.Find("org_a", "sv_1")); // no lease yet: nothing kept

        stamps.Renew(Environment.TickCount64, TimeSpan.FromMinutes(1));
        stamps.Store("org_a", "sv_1", "user_1", Stamp, stamps.Generation);
        Assert.NotNull(stamps.Find("org_a", "sv_1"));

        stamps.Renew(Environment.TickCount64 - 120_000, TimeSpan.FromMinutes(1)); // the last proof is two minutes old
        Assert.Null(stamps.Find("org_a", "sv_1"));

        stamps.Renew(Environment.TickCount64, TimeSpan.FromMinutes(1));
        Assert.Null(stamps.Find("org_a", "sv_1")); // a lapsed lease starts again from empty
        stamps.Store("org_a", "sv_1", "user_1", Stamp, stamps.Generation);
        stamps.Suspend(); // the channel is lost
        Assert.Null(stamps.Find("org_a", "sv_1"));
        stamps.Store("org_a", "sv_1", "user_1", Stamp, stamps.Generation);
        Assert.Null(stamps.Find("org_a", "sv_1"));
    }

    [Fact]
    public void ANotice_ForgetsTheSurveysItNames_AndAnEmptyOneForgetsAll()
    {
        var stamps = new SurveyStamps(new TestClock());
        foreach (var id in new[] { "sv_1", "sv_2", "sv_3" }) stamps.Store("org_a", id, "user_1", Stamp, stamps.Generation);
        stamps.Notified("sv_1,sv_2");
        Assert.Null(stamps.Find("org_a", "sv_1"));
        Assert.Null(stamps.Find("org_a", "sv_2"));
        Assert.NotNull(stamps.Find("org_a", "sv_3"));
        stamps.Notified("");
        Assert.Null(stamps.Find("org_a", "sv_3"));
    }

    [Fact]
    public void ABatchOfChanges_IsAnnouncedInNoticesPostgreSqlTakes_EveryIdOnce()
    {
        var ids = Enumerable.Range(0, 600).Select(i => $"sv_{i:D24}").ToList();
        var payloads = SurveyStamps.Payloads(ids).ToList();
        Assert.True(payloads.Count > 1);
        Assert.All(payloads, p => Assert.True(System.Text.Encoding.UTF8.GetByteCount(p) < 8000));
        Assert.Equal(ids, payloads.SelectMany(p => p.Split(',')));
        Assert.Empty(SurveyStamps.Payloads([]));
    }
}
