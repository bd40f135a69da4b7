namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>
/// Caps the events per second shared by every sender without bursts: each batch is given the next free slot on one
/// schedule that advances by <c>batch / rate</c> seconds, so batches leave evenly spaced rather than all at the top
/// of each second. Idle time is not saved up: a sender that falls behind is not allowed to catch up in a burst.
/// </summary>
internal sealed class EventRateLimiter
{
    private readonly TimeProvider _time;
    private readonly double _ticksPerEvent;
    private readonly Lock _lock = new();
    private long _nextFree;
    private bool _started;

    /// <summary>Creates a limiter of <paramref name="eventsPerSecond"/> (positive) timed by <paramref name="time"/>.</summary>
    public EventRateLimiter(double eventsPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(eventsPerSecond);
        _time = time;
        _ticksPerEvent = time.TimestampFrequency / eventsPerSecond;
    }

    /// <summary>How long the caller must wait before sending <paramref name="events"/>; reserves their slot.</summary>
    public TimeSpan Reserve(int events)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (!_started || _nextFree < now)
            {
                _nextFree = now;
                _started = true;
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
