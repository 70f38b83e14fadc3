namespace Questra.Web.Tests.Process;

/// <summary>
/// A bad setting stops the app at start, naming what to fix. Run as a real process: an in-process test host that
/// fails while starting races its own disposal and may report that instead of the validation error.
/// </summary>
[Collection(AppProcessCollection.Name)]
public class StartupRefusalTests
{
    [Theory]
    [InlineData("Usage:FlushSeconds", "0", "FlushSeconds")]
    [InlineData("ApiKeys:FailedAuthPerMinute", "-3", "FailedAuthPerMinute")]
    [InlineData("ApiKeys:RequestsPerMinutePerKey", "0", "RequestsPerMinutePerKey")]
    public async Task InvalidSetting_StopsTheAppAtStart_NamingIt(string key, string value, string expected)
    {
        var (code, printed) = await AppProcess.FailedStartAsync((key, value));

        Assert.Equal(1, code); // one line, not an unhandled exception (134)
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
        Assert.Contains(expected, printed);
    }

    [Fact]
    public async Task OutsideDevelopment_WithMailOnAndNoSmtpServer_TheAppRefusesToStart_SayingWhatToSet()
    {
        var (code, printed) = await AppProcess.FailedStartAsync(("Email:Enabled", "true"));

        Assert.Equal(1, code); // one line, not an unhandled exception (134)
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
        Assert.Contains("Email:Smtp:Host", printed);
        Assert.Contains("Email:Enabled=false", printed);
    }

    [Fact]
    public async Task WithAnSmtpServerButNoSender_TheAppRefusesToStart()
    {
        var (code, printed) = await AppProcess.FailedStartAsync(("Email:Enabled", "true"), ("Email:Smtp:Host", "mail.example.test"));

        Assert.Equal(1, code); // one line, not an unhandled exception (134)
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
        Assert.Contains("Email:From", printed);
    }

    public static TheoryData<string?, string?, bool> MailLinkSettings => new()
    {
        { null, null, false },                                     // appsettings.json: AllowedHosts "*"
        { null, "questra.example.test;127.0.0.1", true },          // the Host is restricted (the test calls by address)
        { "https://questra.example.test", null, true },            // links come from the public address
        { "questra.example.test", null, false },                   // not an absolute address
    };

    [Theory]
    [MemberData(nameof(MailLinkSettings))]
    public async Task OutsideDevelopment_MailLinksNeedAPublicAddress_OrARestrictedHost(string? publicBaseUrl, string? allowedHosts, bool starts)
    {
        List<(string, string)> settings =
        [
            ("Email:Enabled", "true"), ("Email:From", "Questra <no-reply@questra.test>"), ("Email:Smtp:Host", "127.0.0.1"),
        ];
        if (publicBaseUrl is not null) settings.Add(("Email:PublicBaseUrl", publicBaseUrl));
        if (allowedHosts is not null) settings.Add(("AllowedHosts", allowedHosts));

        if (starts)
        {
            using var database = new Infrastructure.SqliteTestDatabase(Infrastructure.DatabaseFiles.NewPath("mail-links"), deleteOnDispose: true);
            using var app = await AppProcess.StartAsync(database, [.. settings]);
            return;
        }
        var (code, printed) = await AppProcess.FailedStartAsync([.. settings]);
        Assert.Equal(1, code); // one line, not an unhandled exception (134)
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
        Assert.Contains("Email:PublicBaseUrl", printed);
    }

    [Fact]
    public async Task WithGoodSettings_TheSameStartRuns()
    {
        using var database = new Infrastructure.SqliteTestDatabase(Infrastructure.DatabaseFiles.NewPath("starts"), deleteOnDispose: true);
        using var app = await AppProcess.StartAsync(database);

        Assert.Equal(System.Net.HttpStatusCode.OK, (await new HttpClient().GetAsync($"{app.BaseUrl}/healthz")).StatusCode);
    }
}
