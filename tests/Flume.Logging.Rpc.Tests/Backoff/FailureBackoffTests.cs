using Flume.Logging.Rpc.Backoff;
using Flume.Logging.Rpc.Clients;
using Flume.Logging.Testing;

namespace Flume.Logging.Rpc.Tests.Backoff;

public sealed class FailureBackoffTests
{
    private readonly WallClockStepper _time = new();

    [Fact]
    public void A_failure_reported_while_already_backed_off_does_not_double_the_delay()
    {
        var backoff = new FailureBackoff(HostEndpoint.HostPolicy(TimeSpan.FromSeconds(30)), _time);

        Assert.True(backoff.TryRecordFailure(out var first, out var firstCount));
        Assert.False(backoff.TryRecordFailure(out _, out var secondCount));

        Assert.Equal(TimeSpan.FromSeconds(1), first);
        Assert.Equal(1, firstCount);
        Assert.Equal(1, secondCount);
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Remaining());
    }

    [Fact]
    public void Zero_cap_never_backs_off_but_counts_failures()
    {
        var backoff = new FailureBackoff(HostEndpoint.HostPolicy(TimeSpan.Zero), _time);

        Assert.True(backoff.TryRecordFailure(out var delay, out _));
        Assert.True(backoff.TryRecordFailure(out _, out var failures));

        Assert.Equal(TimeSpan.Zero, delay);
        Assert.Equal(2, failures);
        Assert.False(backoff.IsBackedOff());
        Assert.Equal(2, backoff.RecordSuccess());
        Assert.Equal(0, backoff.RecordSuccess());
    }

    [Fact]
    public void Delay_stops_growing_at_a_large_cap_without_overflowing()
    {
        var backoff = new FailureBackoff(HostEndpoint.HostPolicy(TimeSpan.FromDays(365)), _time);
        var last = TimeSpan.Zero;

        for (var i = 0; i < 80; i++)
        {
            Assert.True(backoff.TryRecordFailure(out last, out _));
            _time.Advance(last);
        }

        Assert.Equal(TimeSpan.FromDays(365), last);
    }

    [Theory]
    [InlineData(-3600)]
    [InlineData(3600)]
    public void A_wall_clock_step_neither_prolongs_nor_ends_a_backoff(int stepSeconds)
    {
        var backoff = new FailureBackoff(HostEndpoint.HostPolicy(TimeSpan.FromSeconds(30)), _time);
        Assert.True(backoff.TryRecordFailure(out var delay, out _));

        _time.StepWallClock(TimeSpan.FromSeconds(stepSeconds));
        Assert.True(backoff.IsBackedOff());
        Assert.Equal(delay, backoff.Remaining());

        _time.Advance(delay);
        Assert.False(backoff.IsBackedOff());
        Assert.Equal(1, backoff.ConsecutiveFailures);
    }
}
