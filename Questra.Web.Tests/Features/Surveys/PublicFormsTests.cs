using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Surveys;

/// <summary>The public forms an instance keeps in memory: never one that a change could have made stale.</summary>
[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public sealed class PublicFormsTests
{
    private static PublicSurvey Form(string surveyId, string publicId, string title = "A survey") =>
        new(surveyId, publicId, title, null, SurveyStatus.Active, [new PublicQuestion(1, "How?", QuestionKinds.Rating, true, [])]);

    [Fact]
    public void AFormIsServedByItsLink_UntilItLapses()
    {
        var clock = new TestClock();
        var forms = new PublicForms(clock);
        var form = Form("sv_1", "link1");
        forms.Store(form, forms.Generation);
        Assert.Same(form, forms.Find("link1"));
        Assert.Null(forms.Find("sv_1")); // by its public link only
        clock.Advance(PublicForms.Lifetime);
        Assert.Null(forms.Find("link1"));
    }

    [Fact]
    public void AReadThatRacedWithAChange_IsNotKept_AndAChangeForgetsThatSurveysFormOnly()
    {
        var forms = new PublicForms(new TestClock());
        var before = forms.Generation; // a read starts, sees the old form…
        forms.Changed("sv_1");          // …an edit commits meanwhile…
        forms.Store(Form("sv_1", "link1"), before); // …and what the read saw is refused
        Assert.Null(forms.Find("link1"));

        forms.Store(Form("sv_1", "link1"), forms.Generation);
        forms.Store(Form("sv_2", "link2"), forms.Generation);
        forms.Changed("sv_1");
        Assert.Null(forms.Find("link1"));
        Assert.NotNull(forms.Find("link2"));
    }

    [Fact]
    public void Notices_ForgetTheFormsTheyName_AnEmptyOneForgetsAll()
    {
        var forms = new PublicForms(new TestClock());
        forms.Store(Form("sv_1", "link1"), forms.Generation);
        forms.Store(Form("sv_2", "link2"), forms.Generation);
        forms.Store(Form("sv_3", "link3"), forms.Generation);

        forms.Notified("sv_1,sv_2");
        Assert.Null(forms.Find("link1"));
        Assert.Null(forms.Find("link2"));
        Assert.NotNull(forms.Find("link3"));

        forms.Notified("");
        Assert.Null(forms.Find("link3"));
        Assert.Equal(0, forms.Count);
    }

    [Fact]
    public void WithOtherInstances_FormsAreServedOnlyUnderALease_AndNoneWhileTheChannelIsDown()
    {
        var forms = new PublicForms(new TestClock());
        forms.RequireLease();
        forms.Store(Form("sv_1", "link1"), forms.Generation);
        Assert.Null(forms.Find("link1")); // no lease yet: nothing kept

        forms.Renew(Environment.TickCount64, TimeSpan.FromMinutes(1));
        forms.Store(Form("sv_1", "link1"), forms.Generation);
        Assert.NotNull(forms.Find("link1"));

        forms.Renew(Environment.TickCount64 - 120_000, TimeSpan.FromMinutes(1)); // the last proof is two minutes old
        Assert.Null(forms.Find("link1"));

        forms.Renew(Environment.TickCount64, TimeSpan.FromMinutes(1));
        forms.Store(Form("sv_1", "link1"), forms.Generation);
        forms.Suspend(); // the channel is lost
        Assert.Null(forms.Find("link1"));
    }

    [Fact]
    public void PastItsSize_TheMemoryStartsAgain_NeverGrowingWithoutBound()
    {
        var forms = new PublicForms(new TestClock());
        for (var i = 0; i <= PublicForms.MaxEntries; i++) forms.Store(Form($"sv_{i}", $"link{i}"), forms.Generation);
        Assert.True(forms.Count <= PublicForms.MaxEntries);
        Assert.NotNull(forms.Find($"link{PublicForms.MaxEntries}"));
    }
}
