namespace Flume.Logging.Relay.Metrics;

/// <summary>
/// The metrics of one component, Flume's <c>MonitoredCounterGroup</c>: its own counters plus <c>StartTime</c> and
/// <c>StopTime</c> (milliseconds since the Unix epoch, 0 until it happens). Subclass it to report the metrics of a
/// custom component, and register it in the agent's <see cref="MetricsRegistry"/>.
/// </summary>
public abstract class CounterGroup
{
    private readonly TimeProvider _timeProvider;
    private long _startTime;
    private long _stopTime;

    /// <summary>Creates the group of component <paramref name="name"/>.</summary>
    /// <param name="name">The component's name in the configuration, e.g. <c>r1</c>.</param>
    /// <param name="type">The kind of component.</param>
    /// <param name="timeProvider">The clock for start and stop times. Default: the system clock.</param>
    protected CounterGroup(string name, MetricsComponentType type, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Type = type;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The component's name.</summary>
    public string Name { get; }

    /// <summary>The kind of component.</summary>
    public MetricsComponentType Type { get; }

    /// <summary>Flume's spelling of <see cref="Type"/>: <c>SOURCE</c>, <c>CHANNEL</c>, <c>SINK</c> or <c>OTHER</c>.</summary>
    public string TypeName => Type switch
    {
        MetricsComponentType.Source => "SOURCE",
        MetricsComponentType.Channel => "CHANNEL",
        MetricsComponentType.Sink => "SINK",
        _ => "OTHER",
    };

    /// <summary>When the component started, in ms since the Unix epoch; 0 before.</summary>
    public long StartTime => Volatile.Read(ref _startTime);

    /// <summary>When the component stopped, in ms since the Unix epoch; 0 while it runs.</summary>
    public long StopTime => Volatile.Read(ref _stopTime);

    /// <summary>Records that the component started now (and clears any earlier stop time).</summary>
    public void Start()
    {
        Volatile.Write(ref _stopTime, 0);
        Volatile.Write(ref _startTime, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>Records that the component stopped now.</summary>
    public void Stop() => Volatile.Write(ref _stopTime, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>Adds every metric of the group, its own first, then <c>StartTime</c> and <c>StopTime</c>.</summary>
    public void Collect(ICollection<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        CollectCounters(metrics);
        metrics.Add(new Metric("StartTime", MetricKind.Gauge, StartTime));
        metrics.Add(new Metric("StopTime", MetricKind.Gauge, StopTime));
    }

    /// <summary>Adds the group's own metrics, by Flume's attribute names.</summary>
    protected abstract void CollectCounters(ICollection<Metric> metrics);
}
