namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>
/// Caps the events per second shared by every sender without bursts: each batch is given the next free slot on one
/// schedule that advances by <c>batch / rate</c> seconds, so batches leave evenly spaced rather than all at the top
/// of each second. Only a short lag (<see cref="CatchUp"/>) is made up, so timer jitter and a slow answer do not
/// cost throughput, while idle time is not saved up for a burst.
/// </summary>
internal sealed class EventRateLimiter
{
    /// <summary>How far the schedule may lag the clock and still be caught up on.</summary>
    public static readonly TimeSpan CatchUp = TimeSpan.FromMilliseconds(20);

    private readonly TimeProvider _time;
    private readonly double _ticksPerEvent;
    private readonly long _catchUpTicks;
    private readonly Lock _lock = new();
    private long _nextFree;
    private bool _started;

    /// <summary>Creates a limiter of <paramref name="eventsPerSecond"/> (positive) timed by <paramref name="time"/>.</summary>
    public EventRateLimiter(double eventsPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(eventsPerSecond);
        _time = time;
        _ticksPerEvent = time.TimestampFrequency / eventsPerSecond;
        _catchUpTicks = (long)(CatchUp.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>How long the caller must wait before sending <paramref name="events"/>; reserves their slot.</summary>
    public TimeSpan Reserve(int events)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (!_started)
            {
                _nextFree = now;
                _started = true;
            }
            else if (_nextFree < now - _catchUpTicks)
            {
                _nextFree = now - _catchUpTicks;
            }

            var start = _nextFree;
            _nextFree += (long)Math.Round(events * _ticksPerEvent);
            return start > now ? _time.GetElapsedTime(now, start) : TimeSpan.Zero;
        }
    }

    /// <summary>Waits for the slot of <paramref name="events"/> events.</summary>
    public async ValueTask WaitAsync(int events, CancellationToken cancellationToken)
    {
        var wait = Reserve(events);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken);
        }
    }
}
