using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.ApiKeys;

/// <summary>
/// The failed-authentication throttle stays small and cheap under a flood of distinct clients (its cost per refused
/// request is measured in bench/: this checks the shape that makes it flat), and counts an IPv6 network as one client.
/// </summary>
[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public class FailedAuthThrottleTests
{
    private static FailedAuthThrottle Throttle(TestClock clock, int perMinute = 20) =>
        new(new FixedOptions(new ApiKeyOptions { FailedAuthPerMinute = perMinute }), clock, NullLogger<FailedAuthThrottle>.Instance);

    [Fact]
    public void AFloodOfDistinctClients_KeepsTheTableBounded_ThrottlesTheFloodAsOne_AndLetsOthersIn()
    {
        var clock = new TestClock();
        var throttle = Throttle(clock);

        for (var i = 0; i < 250_000; i++) throttle.RecordFailure($"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}");

        Assert.Equal(200_001, throttle.TrackedClients); // the capacity, plus the shared bucket
        // A client that has not failed is never stopped by the flood: a good key from a new address gets in.
        Assert.Null(throttle.RetryAfter("172.16.0.1"));
        // One that fails while the table is full is counted in the shared bucket, which is over its limit.
        Assert.NotNull(throttle.RecordFailure("172.16.0.2"));
        // A minute later the old counts are dropped (once) and a new client has its own count again.
        clock.Advance(TimeSpan.FromMinutes(1));
        throttle.RecordFailure("192.0.2.1");
        Assert.Equal(1, throttle.TrackedClients);
        Assert.Null(throttle.RetryAfter("192.0.2.1"));
    }

    [Fact]
    public void OneIPv6Network_IsOneClient_WhileIPv4AddressesAreApart()
    {
        var throttle = Throttle(new TestClock(), perMinute: 3);

        throttle.RecordFailure("2001:db8:1:2::1");
        throttle.RecordFailure("2001:db8:1:2:aaaa::9");
        throttle.RecordFailure("2001:db8:1:2:ffff:ffff:ffff:ffff");
        throttle.RecordFailure("198.51.100.1");
        throttle.RecordFailure("198.51.100.2");

        Assert.NotNull(throttle.RetryAfter("2001:db8:1:2:1234::1"));
        Assert.Null(throttle.RetryAfter("2001:db8:1:3::1"));
        Assert.Null(throttle.RetryAfter("198.51.100.1"));
        Assert.Equal("2001:db8:1:2::/64", FailedAuthThrottle.ClientKey("2001:db8:1:2:abcd::1"));
        Assert.Equal("::ffff:198.51.100.1", FailedAuthThrottle.ClientKey("::ffff:198.51.100.1"));
    }

    private sealed class FixedOptions(ApiKeyOptions value) : IOptionsMonitor<ApiKeyOptions>
    {
        public ApiKeyOptions CurrentValue => value;
        public ApiKeyOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<ApiKeyOptions, string?> listener) => null;
    }
}
