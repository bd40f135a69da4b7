using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also counts the timers made through it, so that a test can wait until a
/// component is idle on a timer (its poll delay, its backoff) before it advances time, and can tell that an advance
/// fired none (timers fire inside <see cref="FakeTimeProvider.Advance(TimeSpan)"/>, so a component idle on a timer
/// that did not fire cannot have moved) instead of sleeping to see that nothing happens. FakeTimeProvider keeps its
/// timers to itself; this wraps each one it creates.
/// </summary>
/// <remarks>
/// FakeTimeProvider (11.0.0) fires timers unlike the real clock within one advance: it moves the clock to the end of
/// the advance first, then runs each timer that fell due, in due order, so every callback sees the end time and a
/// timer set or changed inside one counts from there. A chain (a renewal that re-arms itself every 30 s) therefore
/// needs one advance per link; advance by the interval, not by a multiple of it.
/// </remarks>
public sealed class CountingTimeProvider : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly HashSet<CountedTimer> _armed = [];
    private int _timersCreated;
    private int _timersFired;

    /// <summary>Timers created since construction: how often a component set one.</summary>
    public int TimersCreated => Volatile.Read(ref _timersCreated);

    /// <summary>Timer callbacks run so far, each firing of a periodic timer counted.</summary>
    public int TimersFired => Volatile.Read(ref _timersFired);

    /// <summary>Timers armed now: created or changed to a due time, not disposed, one-shot ones not yet fired.</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_lock)
            {
                return _armed.Count;
            }
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Interlocked.Increment(ref _timersCreated);
        var timer = new CountedTimer(this);

        // Armed before the fake timer exists: a zero due time fires inside base.CreateTimer, which disarms it again.
        timer.Arm(dueTime, period);
        timer.Inner = base.CreateTimer(
            s =>
            {
                timer.Fired();
                callback(s);
            },
            state,
            dueTime,
            period);
        return timer;
    }

    private void Track(CountedTimer timer, bool armed)
    {
        lock (_lock)
        {
            if (armed)
            {
                _armed.Add(timer);
            }
            else
            {
                _armed.Remove(timer);
            }
        }
    }

    private sealed class CountedTimer(CountingTimeProvider owner) : ITimer
    {
        private bool _periodic;
        private bool _disposed;

        public ITimer? Inner { get; set; }

        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
            _periodic = period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero;
            owner.Track(this, !_disposed && dueTime != Timeout.InfiniteTimeSpan);
        }

        public void Fired()
        {
            Interlocked.Increment(ref owner._timersFired);
            if (!_periodic)
            {
                owner.Track(this, armed: false);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime, period);
            return Inner!.Change(dueTime, period);
        }

        public void Dispose()
        {
            _disposed = true;
            owner.Track(this, armed: false);
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
