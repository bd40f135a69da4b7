using Flume.Logging.Relay.Sources;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Sources;

public sealed class ChannelRefusalsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_first_refusal_is_reported_at_once_and_the_next_ones_within_the_interval_are_only_counted()
    {
        var refusals = new ChannelRefusals(_time);

        Assert.Equal(new ChannelRefusals.Tally(1, 100), refusals.Refused(100));
        for (var i = 0; i < 50; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.Null(refusals.Refused(10));
        }

        // 5 s after the first line: a refusal is still held back, the sixth second's too.
        _time.Advance(ChannelRefusals.Interval - TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Null(refusals.Refused(10));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(new ChannelRefusals.Tally(52, 520), refusals.Refused(10));
    }

    [Fact]
    public void An_accepted_request_reports_the_held_back_refusals_once_the_interval_has_passed()
    {
        var refusals = new ChannelRefusals(_time);
        Assert.NotNull(refusals.Refused(100));
        Assert.Null(refusals.Refused(100));
        Assert.Null(refusals.Refused(100));

        // Accepted requests between refusals must not each write a line either.
        Assert.Null(refusals.Accepted());
        _time.Advance(ChannelRefusals.Interval);
        Assert.Equal(new ChannelRefusals.Tally(2, 200), refusals.Accepted());
        Assert.Null(refusals.Accepted());

        // That line counts as the last warning: the next refusal waits out a new interval.
        Assert.Null(refusals.Refused(7));
        _time.Advance(ChannelRefusals.Interval);
        Assert.Equal(new ChannelRefusals.Tally(2, 107), refusals.Refused(100));
    }

    [Fact]
    public void A_given_interval_replaces_the_push_sources_10_s()
    {
        var refusals = new ChannelRefusals(_time, TimeSpan.FromSeconds(5));
        Assert.NotNull(refusals.Refused(3));

        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Null(refusals.Refused(4));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(new ChannelRefusals.Tally(2, 9), refusals.Refused(5));
    }

    [Fact]
    public void Accepted_requests_without_refusals_report_nothing()
    {
        var refusals = new ChannelRefusals(_time);
        _time.Advance(ChannelRefusals.Interval * 3);

        Assert.Null(refusals.Accepted());
        Assert.Equal(new ChannelRefusals.Tally(1, 5), refusals.Refused(5));
        _time.Advance(ChannelRefusals.Interval);
        Assert.Null(refusals.Accepted());
    }
}
