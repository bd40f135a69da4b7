namespace Flume.Logging.Relay.Support;

/// <summary>
/// Paces the warnings about a failure that repeats: requests a push source's channels refused (clients retry them, so
/// while a channel stays full every client's every retry is refused), datagrams a syslog source could not store,
/// events the hdfs sink cannot place. A warning per failure would flood the log at the rate the failures come. The
/// first failure is reported at once, and then at most one line per interval, with how many failures and events
/// there were since the last line. The line can also come from the first success once the interval has passed, so
/// the tail of a burst is counted in the log without waiting for the next failure.
/// </summary>
/// <remarks>Safe for concurrent callers: connection threads share one instance per source.</remarks>
/// <param name="timeProvider">The clock.</param>
/// <param name="interval">Least time between two lines; <see cref="Interval"/> when not given.</param>
internal sealed class FailurePacer(TimeProvider timeProvider, TimeSpan? interval = null)
{
    /// <summary>The push sources' interval: 10 s, as the servers' connection refusals.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _interval = interval ?? Interval;
    private readonly Lock _lock = new();
    private long? _lastReport;
    private int _failures;
    private long _events;

    // Read without the lock on every success, so that the path without failures costs one read.
    private volatile bool _unreported;

    /// <summary>Counts a failure of <paramref name="events"/> events.</summary>
    /// <returns>The failures to report now (this one included), or null when a line went out less than the interval ago.</returns>
    public Tally? Failed(long events)
    {
        lock (_lock)
        {
            _failures++;
            _events += events;
            var now = timeProvider.GetTimestamp();
            if (_lastReport is { } last && timeProvider.GetElapsedTime(last, now) < _interval)
            {
                _unreported = true;
                return null;
            }

            return Take(now);
        }
    }

    /// <summary>Called for each success.</summary>
    /// <returns>The failures not reported yet, when some were held back and the interval has passed; otherwise null.</returns>
    public Tally? Succeeded()
    {
        if (!_unreported)
        {
            return null;
        }

        lock (_lock)
        {
            var now = timeProvider.GetTimestamp();
            if (!_unreported || timeProvider.GetElapsedTime(_lastReport!.Value, now) < _interval)
            {
                return null;
            }

            return Take(now);
        }
    }

    private Tally Take(long now)
    {
        TimeSpan? since = _lastReport is { } last ? timeProvider.GetElapsedTime(last, now) : null;
        var tally = new Tally(_failures, _events, since);
        _lastReport = now;
        _failures = 0;
        _events = 0;
        _unreported = false;
        return tally;
    }

    /// <summary>Failures, and the events they held, since the last line.</summary>
    /// <param name="Failures">Failures counted, this one included.</param>
    /// <param name="Events">Events those failures held.</param>
    /// <param name="Since">Time since the last line; null for the first line.</param>
    public readonly record struct Tally(int Failures, long Events, TimeSpan? Since);
}
