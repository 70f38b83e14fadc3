namespace Questra.Web.Tests.Infrastructure;

/// <summary>
/// The app's clock in the tests: the real time, plus whatever a test skipped ahead. It starts at the real current
/// time, keeps running as real time does, and only ever moves forward, so nothing a test checks depends on a
/// calendar date, and everything that compares two readings (the security-stamp check, cookie renewal, rate-limit
/// windows) sees time pass as it does in production. Timers made from it (<see cref="Task.Delay(TimeSpan, TimeProvider)"/>,
/// <see cref="PeriodicTimer"/>) fire on real time and also when <see cref="Advance"/> skips past their due time, so a
/// test moves the app's background jobs instead of waiting for them.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long skippedTicks;
    private readonly HashSet<SkippableTimer> timers = [];
    private readonly Lock gate = new();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref skippedTicks));

    /// <summary>The timestamp moves with the skips too, so elapsed-time checks (<see cref="TimeProvider.GetElapsedTime(long)"/>) see them.</summary>
    public override long GetTimestamp() =>
        System.GetTimestamp() + (long)(Interlocked.Read(ref skippedTicks) * ((double)TimestampFrequency / TimeSpan.TicksPerSecond));

    /// <summary>The real current time, cut to the minute: a "now" for components that are handed one.</summary>
    public static DateTimeOffset RealTimeToTheMinute() => Cut(System.GetUtcNow(), TimeSpan.FromMinutes(1));

    /// <summary>The time cut to a whole <paramref name="unit"/> (a client writes whole seconds; databases store less than ticks).</summary>
    public static DateTimeOffset Cut(DateTimeOffset at, TimeSpan unit) => at.AddTicks(-(at.Ticks % unit.Ticks));

    /// <summary>Skips the clock ahead; timers that fall due in the skipped stretch fire at once.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref skippedTicks, by.Ticks);
        SkippableTimer[] pending;
        lock (gate) pending = [.. timers];
        foreach (var timer in pending) timer.Reschedule();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SkippableTimer(this, callback, state);
        lock (gate) timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Forget(SkippableTimer timer)
    {
        lock (gate) timers.Remove(timer);
    }

    /// <summary>A real timer that remembers when it is due on the test clock, so a skip can bring it forward.</summary>
    private sealed class SkippableTimer : ITimer
    {
        private readonly TestClock clock;
        private readonly Timer inner;
        private readonly Lock gate = new();
        private DateTimeOffset? due;
        private TimeSpan period = Timeout.InfiniteTimeSpan;

        public SkippableTimer(TestClock clock, TimerCallback callback, object? state)
        {
            this.clock = clock;
            inner = new Timer(_ =>
            {
                lock (gate) due = period > TimeSpan.Zero ? clock.GetUtcNow() + period : null;
                callback(state);
            }, null, Timeout.Infinite, Timeout.Infinite);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (gate)
            {
                this.period = period;
                due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
                return inner.Change(dueTime, period);
            }
        }

        public void Reschedule()
        {
            lock (gate)
            {
                if (due is not { } at) return;
                var left = at - clock.GetUtcNow();
                inner.Change(left > TimeSpan.Zero ? left : TimeSpan.Zero, period);
            }
        }

        public void Dispose()
        {
            clock.Forget(this);
            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
