using System.Net;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Tests.Features.ApiKeys;

[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public sealed class AddressListTests
{
    private static AddressList Parse(params string[] entries)
    {
        Assert.True(AddressList.TryParse(entries, out var list, out var error), error);
        return list;
    }

    private static string Refusal(params string[] entries)
    {
        Assert.False(AddressList.TryParse(entries, out _, out var error));
        return error!;
    }

    [Fact]
    public void Entries_AreNormalised_HostBitsCleared_MappedReadAsIPv4_InnerRangesDropped()
    {
        var list = Parse(" 203.0.113.77/24 ", "::ffff:198.51.100.7", "2001:DB8:0:0:1::/48", "203.0.113.5", "2001:db8::/48", "10.1.2.3");

        Assert.Equal(["10.1.2.3", "198.51.100.7", "203.0.113.0/24", "2001:db8::/48"], list.ToStrings());
        Assert.Equal("10.1.2.3 198.51.100.7 203.0.113.0/24 2001:db8::/48", list.Format());
        Assert.Equal(list.Format(), AddressList.FromStored(list.Format()).Format());
    }

    [Theory]
    [InlineData("203.0.113.200", true)]
    [InlineData("::ffff:203.0.113.9", true)] // an IPv4 client on a dual-stack socket
    [InlineData("203.0.114.1", false)]
    [InlineData("2001:db8:0:ffff::1", true)]
    [InlineData("2001:db9::1", false)]
    [InlineData("10.0.0.1", false)]
    public void Allows_MatchesByPrefix_EitherFamily(string address, bool allowed)
    {
        var list = Parse("203.0.113.0/24", "2001:db8::/48");

        Assert.Equal(allowed, list.Allows(IPAddress.Parse(address)));
    }

    [Fact]
    public void EmptyList_AllowsEveryone_ButNoAddressAtAllIsRefusedByAList()
    {
        Assert.True(AddressList.Empty.Allows(IPAddress.Parse("192.0.2.1")));
        Assert.False(Parse("192.0.2.1").Allows(null));
    }

    [Theory]
    [InlineData("0.0.0.0/0", "every address")]
    [InlineData("::/0", "every address")]
    [InlineData("10.0.0.0/33", "prefix length")]
    [InlineData("10.0.0", "IPv4")]
    [InlineData("1", "IPv4")]
    [InlineData("fe80::1%eth0", "not an IPv4 or IPv6")]
    [InlineData("example.com", "not an IPv4 or IPv6")]
    [InlineData("10.0.0.0/-1", "prefix length")]
    [InlineData("10.0.0.0/ 8", "prefix length")]
    [InlineData("::ffff:10.0.0.0/64", "IPv4-mapped")]
    [InlineData("010.0.0.1", "IPv4")] // some parsers read a leading zero as octal: 8.0.0.1
    [InlineData("192.168.001.010", "IPv4")]
    [InlineData("0x0a.0.0.1", "IPv4")]
    [InlineData("::ffff:010.0.0.1", "IPv4")]
    [InlineData("256.0.0.1", "not an IPv4 or IPv6")]
    public void BadEntries_AreRefused_NamingTheEntry(string entry, string reason)
    {
        var error = Refusal("192.0.2.1", entry);

        Assert.Contains(reason, error);
        Assert.DoesNotContain("192.0.2.1", error);
    }

    [Fact]
    public void Nothing_AllowsNoAddress_AndAStoredValueThatDoesNotParseFailsClosed()
    {
        Assert.False(AddressList.Nothing.Allows(IPAddress.Parse("192.0.2.1")));
        Assert.False(AddressList.Nothing.IsEmpty);
        Assert.False(AddressList.FromStored("not-an-address").Allows(IPAddress.Parse("192.0.2.1")));
        Assert.True(AddressList.Nothing.IsWithin(Parse("192.0.2.1")));
        Assert.False(Parse("192.0.2.1").IsWithin(AddressList.Nothing));
        Assert.Equal(["0.0.0.1", "10.0.0.0/8"], Parse("0.0.0.1", "10.0.0.0/8").ToStrings());
    }

    [Fact]
    public void EveryWrongEntry_IsNamedAtOnce_WithWhatToWrite()
    {
        var error = Refusal("10.0.0.0/33", "192.0.2.1", "example.com", "010.0.0.1");

        Assert.Contains("'10.0.0.0/33' has an invalid prefix length: use /1–/32", error);
        Assert.Contains("'example.com' is not an IPv4 or IPv6 address", error);
        Assert.Contains("'010.0.0.1' is not a plain IPv4 address", error);
        Assert.Contains("without leading zeros", error);
    }

    [Fact]
    public void MoreThanFiftyEntries_AreRefused()
    {
        var entries = Enumerable.Range(1, 51).Select(i => $"192.0.2.{i}").ToArray();

        Assert.Contains("At most 50", Refusal(entries));
        Assert.Equal(50, Parse(entries[..50]).Ranges.Count);
    }

    [Fact]
    public void IsWithin_OnlyNarrower_Lists()
    {
        var parent = Parse("10.0.0.0/8", "2001:db8::/32");

        Assert.True(Parse("10.1.0.0/16", "10.2.3.4").IsWithin(parent));
        Assert.True(Parse("2001:db8:1::/48").IsWithin(parent));
        Assert.False(Parse("10.0.0.0/7").IsWithin(parent));
        Assert.False(Parse("10.1.0.0/16", "192.0.2.1").IsWithin(parent));
        Assert.False(AddressList.Empty.IsWithin(parent)); // "everything" is not inside a list
        Assert.True(parent.IsWithin(AddressList.Empty));
    }

    [Fact]
    public void Widened_GivesTheEnclosing24And64()
    {
        var list = Parse("203.0.113.77", "2001:db8:1:2:3:4:5:6");

        Assert.Equal(["203.0.113.0/24", "2001:db8:1:2::/64"], list.Ranges.Select(r => r.Widened().ToString()));
    }
}
