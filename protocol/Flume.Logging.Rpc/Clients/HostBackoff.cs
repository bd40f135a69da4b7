namespace Flume.Logging.Rpc.Clients;

/// <summary>
/// Consecutive-failure backoff of one host: after the n-th failure in a row the host is skipped for
/// min(1 s × 2^(n-1), max); a success resets the count. Times are <see cref="TimeProvider.GetTimestamp"/> values
/// so wall-clock jumps do not matter. Thread-safe.
/// </summary>
/// <remarks>
/// Not a Polly circuit breaker: its minimum throughput is at least 2, so it cannot open on a host's first failure,
/// and once the break ends it lets a single probe through and rejects other callers, where Flume lets every caller
/// try the host again.
/// </remarks>
internal sealed class HostBackoff
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _max;
    private int _consecutiveFailures;
    private long _retryAt;

    /// <summary>Creates a backoff capped at <paramref name="max"/>, timed by <paramref name="timeProvider"/>.</summary>
    internal HostBackoff(TimeSpan max, TimeProvider timeProvider)
    {
        _max = max;
        _timeProvider = timeProvider;
    }

    /// <summary>True while the host must be skipped.</summary>
    internal bool IsBackedOff()
    {
        var now = _timeProvider.GetTimestamp();
        lock (_lock)
        {
            return _consecutiveFailures > 0 && now < _retryAt;
        }
    }

    /// <summary>How long until the host may be tried again; zero when it may be tried now.</summary>
    internal TimeSpan Remaining()
    {
        var now = _timeProvider.GetTimestamp();
        lock (_lock)
        {
            return _consecutiveFailures > 0 && now < _retryAt ? _timeProvider.GetElapsedTime(now, _retryAt) : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// Records a failure, giving the new backoff (zero when the cap is zero: the host is never skipped) and the
    /// failures in a row. False, recording nothing, when the host was already backed off: a failure reported by a
    /// concurrent caller that was using the host when the first failure was recorded must not double the delay.
    /// </summary>
    internal bool TryRecordFailure(out TimeSpan delay, out int consecutiveFailures)
    {
        var now = _timeProvider.GetTimestamp();
        lock (_lock)
        {
            if (_consecutiveFailures > 0 && now < _retryAt)
            {
                delay = TimeSpan.Zero;
                consecutiveFailures = _consecutiveFailures;
                return false;
            }

            consecutiveFailures = ++_consecutiveFailures;
            delay = Delay(consecutiveFailures);
            _retryAt = now + (long)(delay.Ticks * (_timeProvider.TimestampFrequency / (double)TimeSpan.TicksPerSecond));
            return true;
        }
    }

    /// <summary>Records a success; returns the failures in a row it ends, so a host's return can be logged.</summary>
    internal int RecordSuccess()
    {
        lock (_lock)
        {
            var failures = _consecutiveFailures;
            _consecutiveFailures = 0;
            return failures;
        }
    }

    private TimeSpan Delay(int failures)
    {
        // Past 2^30 s every sensible cap has long been reached; stop shifting before it overflows.
        var doublings = Math.Min(failures - 1, 30);
        var delay = TimeSpan.FromTicks(Initial.Ticks << doublings);
        return delay < _max ? delay : _max;
    }
}
