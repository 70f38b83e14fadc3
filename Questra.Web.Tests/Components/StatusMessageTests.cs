using Bunit;
using Microsoft.AspNetCore.Http;
using Questra.Web.Components.Account.Shared;

namespace Questra.Web.Tests.Components;

/// <summary>The status message of the account pages: what it shows for each kind of message.</summary>
[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public class StatusMessageTests : BunitContext
{
    [Fact]
    public void ErrorMessage_RendersAsAnAlert()
    {
        var cut = Render<StatusMessage>(p => p.Add(c => c.Message, "Error: the code was wrong").AddCascadingValue<HttpContext>(new DefaultHttpContext()));

        Assert.Contains("the code was wrong", cut.Markup);
        Assert.Contains("alert-danger", cut.Find("div").ClassName);
    }

    [Fact]
    public void NoMessage_RendersNothing()
    {
        var cut = Render<StatusMessage>(p => p.AddCascadingValue<HttpContext>(new DefaultHttpContext()));

        cut.MarkupMatches("");
    }
}
