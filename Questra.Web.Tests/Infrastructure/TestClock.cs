namespace Questra.Web.Tests.Infrastructure;

/// <summary>A clock the tests move by hand, so expiry is tested without waiting.</summary>
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
