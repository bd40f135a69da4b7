using Flume.Logging.Rpc.Backoff;

namespace Flume.Logging.Rpc.Tests.Backoff;

public sealed class BackoffPolicyTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Exponential_doubles_from_the_first_delay_up_to_the_cap()
    {
        var policy = BackoffPolicy.Exponential(Second, TimeSpan.FromSeconds(10));

        Assert.Equal(
            [0, 1, 2, 4, 8, 10, 10],
            Enumerable.Range(0, 7).Select(failures => policy.Delay(failures).TotalSeconds));
    }

    [Fact]
    public void Linear_adds_the_increment_per_failure_up_to_the_cap()
    {
        var policy = BackoffPolicy.Linear(TimeSpan.FromMilliseconds(1000), TimeSpan.FromMilliseconds(5000));

        Assert.Equal(
            [0, 1000, 2000, 3000, 4000, 5000, 5000],
            Enumerable.Range(0, 7).Select(failures => policy.Delay(failures).TotalMilliseconds));
    }

    [Fact]
    public void A_small_linear_increment_keeps_growing_until_it_reaches_the_cap()
    {
        var policy = BackoffPolicy.Linear(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromMilliseconds(4999), policy.Delay(4999));
        Assert.Equal(TimeSpan.FromSeconds(5), policy.Delay(5000));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void No_count_of_failures_overflows_a_large_cap(bool doubling)
    {
        var cap = TimeSpan.FromDays(365 * 100);
        var policy = doubling ? BackoffPolicy.Exponential(TimeSpan.FromDays(365), cap) : BackoffPolicy.Linear(TimeSpan.FromDays(365), cap);

        foreach (var failures in new[] { 1, 2, 63, 64, 100, int.MaxValue })
        {
            var delay = policy.Delay(failures);
            Assert.InRange(delay, TimeSpan.FromDays(365), cap);
        }

        Assert.Equal(cap, policy.Delay(int.MaxValue));
    }

    [Fact]
    public void A_zero_cap_never_waits()
    {
        Assert.Equal(TimeSpan.Zero, BackoffPolicy.Exponential(Second, TimeSpan.Zero).Delay(5));
        Assert.Equal(TimeSpan.Zero, BackoffPolicy.Linear(Second, TimeSpan.Zero).Delay(5));
    }

    [Fact]
    public void A_first_delay_above_the_cap_starts_at_the_cap()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), BackoffPolicy.Exponential(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3)).Delay(1));
    }
}
