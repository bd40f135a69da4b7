namespace Flume.Logging.Testing;

/// <summary>
/// A clock that stands still until a test calls <see cref="Advance"/>, so time-dependent code (backoff, timeouts,
/// <c>Task.Delay(…, timeProvider)</c>) is tested without sleeping. Timers created through it fire during
/// <see cref="Advance"/>, in due-time order, with the clock set to each timer's due time while its callback runs.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _utcNow;
    private int _timersCreated;
    private long _timestamp;
    private long _nextSequence;

    /// <summary>Starts the clock at <paramref name="start"/>, or 2026-01-01T00:00:00Z.</summary>
    public ManualTimeProvider(DateTimeOffset? start = null)
    {
        _utcNow = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Timers created since construction: how often a component set one.</summary>
    public int TimersCreated => Volatile.Read(ref _timersCreated);

    /// <summary>Timers created and not yet disposed, fired-out one-shot timers excluded.</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count;
            }
        }
    }

    /// <summary>Ticks of <see cref="TimeSpan"/>, so timestamps convert exactly.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _utcNow;
        }
    }

    /// <inheritdoc/>
    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _timestamp;
        }
    }

    /// <summary>
    /// Steps only the wall clock (<see cref="GetUtcNow"/>) by <paramref name="delta"/>, forward or back, as an NTP
    /// correction or <c>date -s</c> does; timestamps and timers, the monotonic clock, do not move.
    /// </summary>
    public void StepWallClock(TimeSpan delta)
    {
        lock (_lock)
        {
            _utcNow += delta;
        }
    }

    /// <summary>
    /// Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due on the way, in order.
    /// Callbacks run synchronously on the calling thread.
    /// </summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        long target;
        lock (_lock)
        {
            target = _timestamp + delta.Ticks;
        }

        while (true)
        {
            ManualTimer? due = null;
            lock (_lock)
            {
                foreach (var timer in _timers)
                {
                    if (timer.DueTimestamp <= target && (due is null || timer.DueTimestamp < due.DueTimestamp
                        || (timer.DueTimestamp == due.DueTimestamp && timer.Sequence < due.Sequence)))
                    {
                        due = timer;
                    }
                }

                if (due is null)
                {
                    MoveTo(target);
                    return;
                }

                MoveTo(Math.Max(_timestamp, due.DueTimestamp));
                if (due.PeriodTicks is { } period)
                {
                    due.DueTimestamp += Math.Max(period, 1);
                }
                else
                {
                    _timers.Remove(due);
                }
            }

            due.Fire();
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Interlocked.Increment(ref _timersCreated);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void MoveTo(long timestamp)
    {
        _utcNow += TimeSpan.FromTicks(timestamp - _timestamp);
        _timestamp = timestamp;
    }

    private void Schedule(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
            if (timer.Disposed || dueTime == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            timer.DueTimestamp = _timestamp + Math.Max(dueTime.Ticks, 0);
            timer.PeriodTicks = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period.Ticks;
            timer.Sequence = _nextSequence++;
            _timers.Add(timer);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long DueTimestamp { get; set; }

        public long? PeriodTicks { get; set; }

        public long Sequence { get; set; }

        public bool Disposed { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (Disposed)
            {
                return false;
            }

            owner.Schedule(this, dueTime, period);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            Disposed = true;
            owner.Schedule(this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
