namespace PolicyKit.Telemetry.Tests;

internal static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until true; fails the test with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out after {timeout.TotalSeconds} s: {what()}");
            await Task.Delay(20);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) => UntilAsync(condition, timeout, () => what);
}
