namespace Flume.Logging.Relay.Metrics;

/// <summary>
/// Flume's <c>ChannelCounter</c>. Lock-free; a channel adds a transaction's attempts and successes once, when the
/// transaction ends, never per event.
/// </summary>
public sealed class ChannelCounter : CounterGroup
{
    private long _size;
    private long _capacity;
    private long _putAttempt;
    private long _putSuccess;
    private long _takeAttempt;
    private long _takeSuccess;

    /// <summary>Creates the counters of channel <paramref name="name"/> holding at most <paramref name="capacity"/> events.</summary>
    public ChannelCounter(string name, long capacity, TimeProvider? timeProvider = null)
        : base(name, MetricsComponentType.Channel, timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
    }

    /// <summary>Events the channel holds now.</summary>
    public long ChannelSize => Volatile.Read(ref _size);

    /// <summary>Most events the channel holds; a reload that reconfigures the channel in place changes it.</summary>
    public long ChannelCapacity
    {
        get => Volatile.Read(ref _capacity);
        internal set => Volatile.Write(ref _capacity, value);
    }

    /// <summary><see cref="ChannelSize"/> as a percentage of <see cref="ChannelCapacity"/>.</summary>
    public double ChannelFillPercentage => ChannelCapacity == 0 ? 0 : ChannelSize * 100.0 / ChannelCapacity;

    /// <summary>Put calls, whether or not their transaction committed.</summary>
    public long EventPutAttemptCount => Interlocked.Read(ref _putAttempt);

    /// <summary>Events put in committed transactions.</summary>
    public long EventPutSuccessCount => Interlocked.Read(ref _putSuccess);

    /// <summary>Take calls, including those that found the channel empty.</summary>
    public long EventTakeAttemptCount => Interlocked.Read(ref _takeAttempt);

    /// <summary>Events taken in committed transactions.</summary>
    public long EventTakeSuccessCount => Interlocked.Read(ref _takeSuccess);

    /// <summary>Sets the events held now.</summary>
    public void SetChannelSize(long size) => Volatile.Write(ref _size, size);

    /// <summary>Adds the outcome of one ended transaction: its put and take calls, and what it committed.</summary>
    /// <param name="putAttempts">Put calls made in the transaction.</param>
    /// <param name="takeAttempts">Take calls made in the transaction.</param>
    /// <param name="putsCommitted">Events put, when it committed; 0 when it rolled back.</param>
    /// <param name="takesCommitted">Events taken, when it committed; 0 when it rolled back.</param>
    public void AddTransaction(long putAttempts, long takeAttempts, long putsCommitted, long takesCommitted)
    {
        if (putAttempts != 0)
        {
            Interlocked.Add(ref _putAttempt, putAttempts);
        }

        if (takeAttempts != 0)
        {
            Interlocked.Add(ref _takeAttempt, takeAttempts);
        }

        if (putsCommitted != 0)
        {
            Interlocked.Add(ref _putSuccess, putsCommitted);
        }

        if (takesCommitted != 0)
        {
            Interlocked.Add(ref _takeSuccess, takesCommitted);
        }
    }

    /// <inheritdoc />
    protected override void CollectCounters(ICollection<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.Add(new Metric("ChannelSize", MetricKind.Gauge, ChannelSize));
        metrics.Add(new Metric("ChannelCapacity", MetricKind.Gauge, ChannelCapacity));
        metrics.Add(new Metric("ChannelFillPercentage", MetricKind.Gauge, ChannelFillPercentage, Integral: false));
        metrics.Add(new Metric("EventPutAttemptCount", MetricKind.Counter, EventPutAttemptCount));
        metrics.Add(new Metric("EventPutSuccessCount", MetricKind.Counter, EventPutSuccessCount));
        metrics.Add(new Metric("EventTakeAttemptCount", MetricKind.Counter, EventTakeAttemptCount));
        metrics.Add(new Metric("EventTakeSuccessCount", MetricKind.Counter, EventTakeSuccessCount));
    }
}
