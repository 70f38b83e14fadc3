using Bunit;
using Questra.Web.Components.Pages.ApiKeys;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Tests.Components.ApiKeys;

[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public class ApiKeysTableTests : DashboardTestContext
{
    // The real time, to the minute: the component is handed "now" and shows dates relative to it.
    private static readonly DateTimeOffset Now = Infrastructure.TestClock.RealTimeToTheMinute();

    private static ApiKey Key(string name, DateTimeOffset? expires = null, DateTimeOffset? revoked = null, DateTimeOffset? lastUsed = null,
        string owner = "u", string? replacedBy = null, bool secretUnconfirmed = false) => new()
        {
            SecretUnconfirmed = secretUnconfirmed,
            Id = $"ak_{name}",
            OrganizationId = "org_x",
            CreatedByUserId = owner,
            Name = name,
            Prefix = "sk_live_Ab12",
            ReplacedByKeyId = replacedBy,
            SecretHash = new byte[32],
            Scopes = ApiScopes.FullAccess,
            CreatedAt = Now.AddDays(-10),
            ExpiresAt = expires,
            RevokedAt = revoked,
            LastUsedAt = lastUsed,
        };

    private IRenderedComponent<ApiKeysTable> RenderTable(params ApiKey[] keys) =>
        Render<ApiKeysTable>(p => p.Add(t => t.Rows, keys.Select(k => new ApiKeysTable.KeyRow(k, k.IsRolled ? "sk_live_Zz99" : null)).ToList())
            .Add(t => t.Total, keys.Length).Add(t => t.Now, Now).Add(t => t.CurrentUserId, "u"));

    private static string Row(IRenderedComponent<ApiKeysTable> cut, string id) =>
        cut.Find($"[data-testid=api-key-row][data-key-id=ak_{id}]").TextContent;

    [Fact]
    public void EachKey_ShowsItsStatus_ExpiresSoonBadge_AndNeverForUnusedKeys()
    {
        var cut = RenderTable(
            Key("active"),
            Key("revoked", revoked: Now.AddDays(-1), lastUsed: Now.AddDays(-2)),
            Key("expired", expires: Now.AddDays(-1)),
            Key("soon", expires: Now.AddDays(3)),
            Key("later", expires: Now.AddDays(30)));

        Assert.Equal(5, cut.FindAll("[data-testid=api-key-row]").Count);
        Assert.Equal(["Active", "Revoked", "Expired", "Active", "Active"], cut.FindAll("[data-testid=api-key-status]").Select(s => s.TextContent));
        Assert.Contains("Never", Row(cut, "active"));
        Assert.DoesNotContain("Expires soon", Row(cut, "active"));
        Assert.Contains("Expires soon", Row(cut, "soon"));
        Assert.DoesNotContain("Expires soon", Row(cut, "later"));
        Assert.DoesNotContain("Expires soon", Row(cut, "expired"));
        Assert.Contains("2 days ago", Row(cut, "revoked"));
    }

    [Fact]
    public void RevokedKey_CanOnlyBeDeleted_ActiveKeyCanBeRolledRevokedAndDeleted()
    {
        var cut = RenderTable(Key("active"), Key("revoked", revoked: Now));

        string[] Labels(string id) => cut.Find($"[data-key-id=ak_{id}]").QuerySelectorAll("button").Select(b => b.GetAttribute("aria-label")!).ToArray();

        Assert.Equal(["Roll active", "Revoke active", "Delete active"], Labels("active"));
        Assert.Equal(["Delete revoked"], Labels("revoked"));
    }

    [Fact]
    public void OnlyTheOwnersOwnWorkingKeys_OfferRoll_OthersKeysCanStillBeRevokedAndDeleted()
    {
        var cut = RenderTable(Key("mine"), Key("theirs", owner: "someone-else"), Key("rolled", replacedBy: "ak_next", expires: Now.AddHours(3)),
            Key("expired", expires: Now.AddDays(-1)));

        string[] Labels(string id) => cut.Find($"[data-key-id=ak_{id}]").QuerySelectorAll("button").Select(b => b.GetAttribute("aria-label")!).ToArray();

        Assert.Equal(["Roll mine", "Revoke mine", "Delete mine"], Labels("mine"));
        Assert.Equal(["Revoke theirs", "Delete theirs"], Labels("theirs"));
        Assert.Equal(["Revoke rolled", "Delete rolled"], Labels("rolled"));
        Assert.Equal(["Revoke expired", "Delete expired"], Labels("expired"));
    }

    [Fact]
    public void LastUse_IsSaidRelativeToNow_WithTheMomentOnHover_AndKeysWithoutExpiry_SaySo()
    {
        var cut = RenderTable(Key("hours", lastUsed: Now.AddHours(-3), expires: Now.AddDays(30)), Key("never"), Key("days", lastUsed: Now.AddDays(-12), revoked: Now));

        Assert.Equal("3 hours ago", cut.Find("[data-key-id=ak_hours] [data-testid=api-key-last-used]").TextContent.Trim());
        Assert.Equal(Now.AddHours(-3).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC",
            cut.Find("[data-key-id=ak_hours] [data-testid=api-key-last-used] time").GetAttribute("title"));
        Assert.Equal("Never", cut.Find("[data-key-id=ak_never] [data-testid=api-key-last-used]").TextContent.Trim());
        Assert.Equal("12 days ago", cut.Find("[data-key-id=ak_days] [data-testid=api-key-last-used]").TextContent.Trim());
        Assert.Single(cut.FindAll("[data-key-id=ak_never] [data-testid=never-expires]"));
        Assert.Empty(cut.FindAll("[data-key-id=ak_hours] [data-testid=never-expires]"));
        // A revoked key's missing expiry no longer matters.
        Assert.Empty(cut.FindAll("[data-key-id=ak_days] [data-testid=never-expires]"));
    }

    [Fact]
    public void NoMatchingKeys_SaysSo()
    {
        var cut = RenderTable();

        Assert.Empty(cut.FindAll("[data-testid=api-key-row]"));
        Assert.Contains("No keys match.", cut.Markup);
    }

    [Fact]
    public void ARolledKey_IsOneLogicalKey_NamingItsReplacementAndHowLongItStillWorks_WithoutRoll()
    {
        var cut = RenderTable(Key("rolled", replacedBy: "ak_next", expires: Now.AddHours(3)));

        Assert.Equal("Rolled", cut.Find("[data-testid=api-key-status]").TextContent);
        var rolledTo = cut.Find("[data-testid=rolled-to]").TextContent;
        Assert.Contains("sk_live_Zz99", rolledTo);
        Assert.Contains($"works until {Now.AddHours(3).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC", System.Text.RegularExpressions.Regex.Replace(rolledTo, @"\s+", " "));
        Assert.Empty(cut.FindAll("[data-testid=expires-soon]"));
        Assert.Empty(cut.FindAll("button[aria-label^='Roll ']"));
    }

    [Fact]
    public void ASecretThatMayNotHaveBeenSaved_IsMarked_AndOnlyItsOwnerIsOfferedANewOne()
    {
        var cut = RenderTable(Key("mine", secretUnconfirmed: true), Key("theirs", owner: "someone-else", secretUnconfirmed: true), Key("saved"));

        Assert.Single(cut.Find("[data-key-id=ak_mine]").QuerySelectorAll("[data-testid=roll-lost-secret]"));
        Assert.Contains("Secret may not have been saved", Row(cut, "theirs"));
        Assert.Empty(cut.Find("[data-key-id=ak_theirs]").QuerySelectorAll("[data-testid=roll-lost-secret]"));
        Assert.DoesNotContain("may not have been saved", Row(cut, "saved"));
    }
}
