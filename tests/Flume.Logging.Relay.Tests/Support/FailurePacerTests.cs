using Flume.Logging.Relay.Support;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Support;

public sealed class FailurePacerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_first_failure_is_reported_at_once_and_the_next_ones_within_the_interval_are_only_counted()
    {
        var refusals = new FailurePacer(_time);

        Assert.Equal(new FailurePacer.Tally(1, 100, null), refusals.Failed(100));
        for (var i = 0; i < 50; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.Null(refusals.Failed(10));
        }

        // 5 s after the first line: a refusal is still held back, the sixth second's too.
        _time.Advance(FailurePacer.Interval - TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Null(refusals.Failed(10));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(new FailurePacer.Tally(52, 520, FailurePacer.Interval), refusals.Failed(10));
    }

    [Fact]
    public void A_success_reports_the_held_back_failures_once_the_interval_has_passed()
    {
        var refusals = new FailurePacer(_time);
        Assert.NotNull(refusals.Failed(100));
        Assert.Null(refusals.Failed(100));
        Assert.Null(refusals.Failed(100));

        // Accepted requests between refusals must not each write a line either.
        Assert.Null(refusals.Succeeded());
        _time.Advance(FailurePacer.Interval);
        Assert.Equal(new FailurePacer.Tally(2, 200, FailurePacer.Interval), refusals.Succeeded());
        Assert.Null(refusals.Succeeded());

        // That line counts as the last warning: the next refusal waits out a new interval.
        Assert.Null(refusals.Failed(7));
        _time.Advance(FailurePacer.Interval);
        Assert.Equal(new FailurePacer.Tally(2, 107, FailurePacer.Interval), refusals.Failed(100));
    }

    [Fact]
    public void A_given_interval_replaces_the_push_sources_10_s()
    {
        var refusals = new FailurePacer(_time, TimeSpan.FromSeconds(5));
        Assert.NotNull(refusals.Failed(3));

        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Null(refusals.Failed(4));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(new FailurePacer.Tally(2, 9, TimeSpan.FromSeconds(5)), refusals.Failed(5));
    }

    [Fact]
    public void Successes_without_failures_report_nothing()
    {
        var refusals = new FailurePacer(_time);
        _time.Advance(FailurePacer.Interval * 3);

        Assert.Null(refusals.Succeeded());
        Assert.Equal(new FailurePacer.Tally(1, 5, null), refusals.Failed(5));
        _time.Advance(FailurePacer.Interval);
        Assert.Null(refusals.Succeeded());
    }
}
