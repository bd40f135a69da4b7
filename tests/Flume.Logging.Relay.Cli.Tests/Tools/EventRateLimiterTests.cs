using Flume.Logging.Relay.Cli.Tools;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Cli.Tests.Tools;

public sealed class EventRateLimiterTests
{
    [Fact]
    public void Batches_are_spaced_evenly_rather_than_sent_in_a_burst_each_second()
    {
        var time = new FakeTimeProvider();
        var limiter = new EventRateLimiter(2000, time);

        var waits = Enumerable.Range(0, 20).Select(_ => limiter.Reserve(100)).ToList();

        Assert.Equal(Enumerable.Range(0, 20).Select(i => TimeSpan.FromMilliseconds(50 * i)), waits);
    }

    [Fact]
    public void Idle_time_is_not_saved_up_for_a_later_burst()
    {
        var time = new FakeTimeProvider();
        var limiter = new EventRateLimiter(1000, time);
        limiter.Reserve(100);

        time.Advance(TimeSpan.FromSeconds(10));

        // At 1000 events/s only the 20 events of the catch-up window and the current slot go without waiting.
        Assert.Equal(TimeSpan.Zero, limiter.Reserve(10));
        Assert.Equal(TimeSpan.Zero, limiter.Reserve(10));
        Assert.Equal(TimeSpan.Zero, limiter.Reserve(100));
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.Reserve(1));
    }

    [Fact]
    public void A_short_lag_from_a_late_timer_is_made_up()
    {
        var time = new FakeTimeProvider();
        var limiter = new EventRateLimiter(1000, time);
        limiter.Reserve(10);

        // The next batch should have left at 10 ms; its sender comes 5 ms late. The schedule keeps its slot, so the
        // batch after it is only 5 ms away rather than a full 10.
        time.Advance(TimeSpan.FromMilliseconds(15));

        Assert.Equal(TimeSpan.Zero, limiter.Reserve(10));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.Reserve(10));
    }

    [Fact]
    public async Task Waiting_completes_only_when_the_clock_reaches_the_slot()
    {
        var time = new FakeTimeProvider();
        var limiter = new EventRateLimiter(100, time);
        await limiter.WaitAsync(10, CancellationToken.None);

        var second = limiter.WaitAsync(10, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
