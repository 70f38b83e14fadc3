namespace Questra.Web.Tests.EndToEnd;

/// <summary>
/// A test that needs Chromium. On a developer machine without it the test is skipped with a hint; in CI
/// (<c>CI=true</c>) it is never skipped, so a missing browser fails the run instead of hiding it.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (BrowserHost.ChromiumPath is null && !BrowserHost.InCi)
        {
            Skip = "Chromium is not installed (apt-get install -y chromium); CI installs it and runs this test.";
        }
    }
}

/// <summary>A theory that needs Chromium: skipped with a hint on a developer machine without it, never in CI.</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        if (BrowserHost.ChromiumPath is null && !BrowserHost.InCi)
        {
            Skip = "Chromium is not installed (apt-get install -y chromium); CI installs it and runs this test.";
        }
    }
}
