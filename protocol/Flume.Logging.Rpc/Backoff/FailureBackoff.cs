namespace Flume.Logging.Rpc.Backoff;

/// <summary>
/// Consecutive-failure backoff of one target (an RPC host, a sink of a group): after the n-th failure in a row the
/// target is skipped for the <see cref="BackoffPolicy"/>'s delay; a success resets the count. Times are
/// <see cref="TimeProvider.GetTimestamp"/> values, a monotonic clock, so a wall-clock step can neither keep a target
/// skipped nor end its backoff early. Thread-safe.
/// </summary>
/// <remarks>
/// Not a Polly circuit breaker: its minimum throughput is at least 2, so it cannot open on a host's first failure,
/// and once the break ends it lets a single probe through and rejects other callers, where Flume lets every caller
/// try the host again.
/// </remarks>
internal sealed class FailureBackoff
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly BackoffPolicy _policy;
    private int _consecutiveFailures;
    private long _retryAt;

    /// <summary>Creates a backoff following <paramref name="policy"/>, timed by <paramref name="timeProvider"/>.</summary>
    internal FailureBackoff(BackoffPolicy policy, TimeProvider timeProvider)
    {
        _policy = policy;
        _timeProvider = timeProvider;
    }

    /// <summary>Failures in a row; zero while the target works.</summary>
    internal int ConsecutiveFailures
    {
        get
        {
            lock (_lock)
            {
                return _consecutiveFailures;
            }
        }
    }

    /// <summary>True while the target must be skipped.</summary>
    internal bool IsBackedOff()
    {
        var now = _timeProvider.GetTimestamp();
        lock (_lock)
        {
            return _consecutiveFailures > 0 && now < _retryAt;
        }
    }

    /// <summary>How long until the target may be tried again; zero when it may be tried now.</summary>
    internal TimeSpan Remaining()
    {
        var now = _timeProvider.GetTimestamp();
        lock (_lock)
        {
            return _consecutiveFailures > 0 && now < _retryAt ? _timeProvider.GetElapsedTime(now, _retryAt) : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// Records a failure, giving the new backoff (zero when the cap is zero: the target is never skipped) and the
    /// failures in a row. False, recording nothing, when the target was already backed off: a failure reported by a
    /// concurrent caller that was using the target when the first failure was recorded must not double the delay.
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
            delay = _policy.Delay(consecutiveFailures);
            _retryAt = now + (long)(delay.Ticks * (_timeProvider.TimestampFrequency / (double)TimeSpan.TicksPerSecond));
            return true;
        }
    }

    /// <summary>Records a success; returns the failures in a row it ends, so a target's return can be logged.</summary>
    internal int RecordSuccess()
    {
        lock (_lock)
        {
            var failures = _consecutiveFailures;
            _consecutiveFailures = 0;
            return failures;
        }
    }
}
