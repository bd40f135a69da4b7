namespace Flume.Logging.Relay.Metrics;

/// <summary>Flume's <c>SinkCounter</c>. Lock-free; a sink updates it once per batch.</summary>
public sealed class SinkCounter : CounterGroup
{
    private long _batchComplete;
    private long _batchEmpty;
    private long _batchUnderflow;
    private long _connectionCreated;
    private long _connectionClosed;
    private long _connectionFailed;
    private long _drainAttempt;
    private long _drainSuccess;
    private long _eventWriteFail;
    private long _eventDrop;

    /// <summary>Creates the counters of sink <paramref name="name"/>.</summary>
    public SinkCounter(string name, TimeProvider? timeProvider = null)
        : base(name, MetricsComponentType.Sink, timeProvider)
    {
    }

    /// <summary>Full batches delivered.</summary>
    public long BatchCompleteCount => Interlocked.Read(ref _batchComplete);

    /// <summary>Steps that found the channel empty.</summary>
    public long BatchEmptyCount => Interlocked.Read(ref _batchEmpty);

    /// <summary>Partial, non-empty batches delivered.</summary>
    public long BatchUnderflowCount => Interlocked.Read(ref _batchUnderflow);

    /// <summary>Connections to the next hop established.</summary>
    public long ConnectionCreatedCount => Interlocked.Read(ref _connectionCreated);

    /// <summary>Connections to the next hop closed.</summary>
    public long ConnectionClosedCount => Interlocked.Read(ref _connectionClosed);

    /// <summary>Attempts to reach the next hop that failed.</summary>
    public long ConnectionFailedCount => Interlocked.Read(ref _connectionFailed);

    /// <summary>Events taken from the channel to deliver.</summary>
    public long EventDrainAttemptCount => Interlocked.Read(ref _drainAttempt);

    /// <summary>Events delivered and committed.</summary>
    public long EventDrainSuccessCount => Interlocked.Read(ref _drainSuccess);

    /// <summary>Events in batches whose delivery failed (they went back to the channel).</summary>
    public long EventWriteFail => Interlocked.Read(ref _eventWriteFail);

    /// <summary>
    /// Events taken and committed without being delivered because no retry could deliver them (the hdfs sink's
    /// events without the timestamp their path needs). Not one of Flume's counters: Flume retries such events forever.
    /// </summary>
    public long EventDropCount => Interlocked.Read(ref _eventDrop);

    /// <summary>Counts an event set aside undelivered.</summary>
    public void IncrementEventDrop() => Interlocked.Increment(ref _eventDrop);

    /// <summary>Adds <paramref name="count"/> events taken to deliver.</summary>
    public void AddDrainAttempt(long count) => Interlocked.Add(ref _drainAttempt, count);

    /// <summary>
    /// Counts a delivered and committed batch of <paramref name="count"/> events out of at most
    /// <paramref name="batchSize"/>: empty, underflow or complete, and the events as drained.
    /// </summary>
    public void AddDelivered(long count, long batchSize)
    {
        if (count == 0)
        {
            Interlocked.Increment(ref _batchEmpty);
            return;
        }

        Interlocked.Increment(ref count < batchSize ? ref _batchUnderflow : ref _batchComplete);
        Interlocked.Add(ref _drainSuccess, count);
    }

    /// <summary>Adds <paramref name="count"/> events of a batch that failed.</summary>
    public void AddEventWriteFail(long count) => Interlocked.Add(ref _eventWriteFail, count);

    /// <summary>Counts a connection established.</summary>
    public void IncrementConnectionCreated() => Interlocked.Increment(ref _connectionCreated);

    /// <summary>Counts a connection closed.</summary>
    public void IncrementConnectionClosed() => Interlocked.Increment(ref _connectionClosed);

    /// <summary>Counts a failed attempt to reach the next hop.</summary>
    public void IncrementConnectionFailed() => Interlocked.Increment(ref _connectionFailed);

    /// <inheritdoc />
    protected override void CollectCounters(ICollection<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.Add(new Metric("BatchCompleteCount", MetricKind.Counter, BatchCompleteCount));
        metrics.Add(new Metric("BatchEmptyCount", MetricKind.Counter, BatchEmptyCount));
        metrics.Add(new Metric("BatchUnderflowCount", MetricKind.Counter, BatchUnderflowCount));
        metrics.Add(new Metric("ConnectionCreatedCount", MetricKind.Counter, ConnectionCreatedCount));
        metrics.Add(new Metric("ConnectionClosedCount", MetricKind.Counter, ConnectionClosedCount));
        metrics.Add(new Metric("ConnectionFailedCount", MetricKind.Counter, ConnectionFailedCount));
        metrics.Add(new Metric("EventDrainAttemptCount", MetricKind.Counter, EventDrainAttemptCount));
        metrics.Add(new Metric("EventDrainSuccessCount", MetricKind.Counter, EventDrainSuccessCount));
        metrics.Add(new Metric("EventWriteFail", MetricKind.Counter, EventWriteFail));
        metrics.Add(new Metric("EventDropCount", MetricKind.Counter, EventDropCount));
    }
}
