namespace PolicyKit.Telemetry.Tests;

public class ReconnectBackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1), Max = TimeSpan.FromSeconds(30);

    [Fact]
    public void Doubles_from_min_up_to_max_with_jitter_in_the_upper_half()
    {
        var backoff = new ReconnectBackoff(Min, Max);
        // random = 1 gives the full step; steps are 1, 2, 4, 8, 16, 30, 30 s.
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(0, 7).Select(_ => backoff.Next(1).TotalSeconds));
        backoff.Reset();
        // random = 0 gives half the step, never below min.
        Assert.Equal([1, 1, 2, 4, 8, 15, 15], Enumerable.Range(0, 7).Select(_ => backoff.Next(0).TotalSeconds));
    }

    [Fact]
    public void Stays_within_bounds_for_any_random_and_a_long_outage()
    {
        var backoff = new ReconnectBackoff(Min, Max);
        var random = new Random(42);
        for (int i = 0; i < 10_000; i++)
        {
            var delay = backoff.Next(random.NextDouble());
            Assert.InRange(delay, Min, Max);
        }
        Assert.InRange(backoff.Next(0.5), TimeSpan.FromSeconds(15), Max);
    }

    [Fact]
    public void Rejects_bad_bounds()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(TimeSpan.Zero, Max));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(Max, Min));
    }
}
