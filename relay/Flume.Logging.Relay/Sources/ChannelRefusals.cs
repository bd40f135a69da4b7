namespace Flume.Logging.Relay.Sources;

/// <summary>
/// Paces a push source's warnings about requests its channels refused. Clients retry a refused request, so while a
/// channel stays full every client's every retry is refused: a warning per request would flood the log at the rate
/// the clients retry. The first refusal is reported at once, and then at most one line per interval,
/// with how many requests and events were refused since the last line. The line can also come from the first request
/// taken once the interval has passed, so the tail of a burst is counted in the log without waiting for the next
/// refusal.
/// </summary>
/// <remarks>Safe for concurrent requests: connection threads share one instance per source.</remarks>
/// <param name="timeProvider">The clock.</param>
/// <param name="interval">Least time between two lines; <see cref="Interval"/> when not given.</param>
internal sealed class ChannelRefusals(TimeProvider timeProvider, TimeSpan? interval = null)
{
    /// <summary>The push sources' interval: 10 s, as the servers' connection refusals.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _interval = interval ?? Interval;
    private readonly Lock _lock = new();
    private long _lastReport;
    private int _requests;
    private long _events;

    // Read without the lock on every accepted request, so that the path without refusals costs one read.
    private volatile bool _unreported;

    /// <summary>Counts a refused request of <paramref name="events"/> events.</summary>
    /// <returns>The refusals to report now (this one included), or null when a line went out less than the interval ago.</returns>
    public Tally? Refused(int events)
    {
        lock (_lock)
        {
            _requests++;
            _events += events;
            var now = timeProvider.GetTimestamp();
            if (_lastReport != 0 && timeProvider.GetElapsedTime(_lastReport, now) < _interval)
            {
                _unreported = true;
                return null;
            }

            _lastReport = now;
            return Take();
        }
    }

    /// <summary>Called for each request the channels took.</summary>
    /// <returns>The refusals not reported yet, when some were held back and the interval has passed; otherwise null.</returns>
    public Tally? Accepted()
    {
        if (!_unreported)
        {
            return null;
        }

        lock (_lock)
        {
            var now = timeProvider.GetTimestamp();
            if (!_unreported || timeProvider.GetElapsedTime(_lastReport, now) < _interval)
            {
                return null;
            }

            _lastReport = now;
            return Take();
        }
    }

    private Tally Take()
    {
        var tally = new Tally(_requests, _events);
        _requests = 0;
        _events = 0;
        _unreported = false;
        return tally;
    }

    /// <summary>Requests refused, and the events they held, since the last line.</summary>
    public readonly record struct Tally(int Requests, long Events);
}
