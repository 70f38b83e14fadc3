namespace Questra.Web.Tests.Infrastructure;

/// <summary>Waits for a condition that another thread or process makes true (a background sender, a second instance).</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static Task HoldsAsync(Func<Task<bool>> condition, string what, int seconds) => HoldsAsync(condition, () => what, seconds);

    /// <summary>As above; <paramref name="what"/> is asked at the timeout, so it can tell the state things ended in.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, Func<string> what, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not within {seconds} s: {what()}");
            await Task.Delay(100);
        }
    }
}
