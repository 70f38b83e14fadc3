using Bunit;
using Questra.Web.Components.Pages.ApiKeys;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Tests.Components.ApiKeys;

[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public class KeyAddressesPanelTests : DashboardTestContext
{
    private static ApiKey Key(string? allowedIps = null) => new()
    {
        Id = "ak_1", OrganizationId = "org_1", CreatedByUserId = "u", Name = "Sync", Prefix = "sk_live_Ab12",
        SecretHash = new byte[32], AllowedIps = allowedIps, CreatedAt = DateTimeOffset.UnixEpoch,
    };

    private static ApiKeyAddress Seen(string address, int minutesAgo) => new()
    {
        ApiKeyId = "ak_1", OrganizationId = "org_1", Address = address, Count = 3,
        FirstSeenAt = DateTimeOffset.UtcNow.AddDays(-2), LastSeenAt = DateTimeOffset.UtcNow.AddMinutes(-minutesAgo),
    };

    [Theory]
    [InlineData("allow-only-these", new[] { "203.0.113.77", "2001:db8:1:2::9" })]
    [InlineData("allow-their-networks", new[] { "203.0.113.0/24", "2001:db8:1:2::/64" })]
    public void LearnMode_FillsTheListForReview_AndSavesOnlyWhenAsked(string button, string[] expected)
    {
        IReadOnlyList<string>? saved = null;
        var cut = Render<KeyAddressesPanel>(p => p
            .Add(x => x.Key, Key())
            .Add(x => x.Seen, [Seen("203.0.113.77", 1), Seen("2001:db8:1:2::9", 5)])
            .Add(x => x.CanEdit, true)
            .Add(x => x.OnSave, entries => { saved = entries; return Task.FromResult<ServiceResult<ApiKey>>(Key(string.Join(' ', entries))); }));

        cut.Find($"[data-testid={button}]").Click();

        Assert.Equal(string.Join('\n', expected), cut.Find("#allowed-ips-input").GetAttribute("value") ?? cut.Find("#allowed-ips-input").TextContent);
        Assert.Null(saved);
        cut.Find("[data-testid=allowed-ips-form]").Submit();
        Assert.Equal(expected, saved);
    }

    [Fact]
    public void ARefusedList_ShowsTheServicesReason_AndStaysOpen()
    {
        var cut = Render<KeyAddressesPanel>(p => p
            .Add(x => x.Key, Key("10.0.0.0/8"))
            .Add(x => x.CanEdit, true)
            .Add(x => x.OnSave, _ => Task.FromResult<ServiceResult<ApiKey>>(
                ServiceError.Field("allowed_ips", "This key was made by another key and may not reach further than it."))));

        Assert.Contains("10.0.0.0/8", cut.Find("[data-testid=allowed-ips]").TextContent);
        cut.Find("[data-testid=allowed-ips-edit]").Click();
        cut.Find("[data-testid=allowed-ips-form]").Submit();

        Assert.Contains("may not reach further", cut.Markup);
        Assert.NotEmpty(cut.FindAll("[data-testid=allowed-ips-form]"));
        Assert.Contains("learned-empty", cut.Markup);
    }

    [Fact]
    public void WithoutTheRightToEdit_NoButtonsAreOffered()
    {
        var cut = Render<KeyAddressesPanel>(p => p
            .Add(x => x.Key, Key())
            .Add(x => x.Seen, [Seen("203.0.113.77", 1)])
            .Add(x => x.OnSave, _ => throw new InvalidOperationException("not offered")));

        Assert.Empty(cut.FindAll("[data-testid=allowed-ips-edit]"));
        Assert.Empty(cut.FindAll("[data-testid=allow-only-these]"));
        Assert.Single(cut.FindAll("[data-testid=learned-address]"));
    }
}
