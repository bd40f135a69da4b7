namespace Flume.Logging.Relay.Metrics;

/// <summary>
/// Flume's <c>SourceCounter</c>. Lock-free: each method is one interlocked operation, meant to be called once per
/// request or batch, never per event.
/// </summary>
public sealed class SourceCounter : CounterGroup, Rpc.IConnectionObserver
{
    private long _eventReceived;
    private long _eventAccepted;
    private long _appendReceived;
    private long _appendAccepted;
    private long _appendBatchReceived;
    private long _appendBatchAccepted;
    private long _openConnections;
    private long _channelWriteFail;
    private long _eventReadFail;
    private long _connectionsRefused;
    private long _connectionsTimedOut;

    /// <summary>Creates the counters of source <paramref name="name"/>.</summary>
    public SourceCounter(string name, TimeProvider? timeProvider = null)
        : base(name, MetricsComponentType.Source, timeProvider)
    {
    }

    /// <summary>Events that arrived, whether or not the channel then took them.</summary>
    public long EventReceivedCount => Interlocked.Read(ref _eventReceived);

    /// <summary>Events committed to the channels.</summary>
    public long EventAcceptedCount => Interlocked.Read(ref _eventAccepted);

    /// <summary><c>append</c> requests (one event each) that arrived.</summary>
    public long AppendReceivedCount => Interlocked.Read(ref _appendReceived);

    /// <summary><c>append</c> requests answered OK.</summary>
    public long AppendAcceptedCount => Interlocked.Read(ref _appendAccepted);

    /// <summary><c>appendBatch</c> requests that arrived.</summary>
    public long AppendBatchReceivedCount => Interlocked.Read(ref _appendBatchReceived);

    /// <summary><c>appendBatch</c> requests answered OK.</summary>
    public long AppendBatchAcceptedCount => Interlocked.Read(ref _appendBatchAccepted);

    /// <summary>Client connections open now.</summary>
    public long OpenConnectionCount => Interlocked.Read(ref _openConnections);

    /// <summary>Batches a channel refused (the client was answered FAILED).</summary>
    public long ChannelWriteFail => Interlocked.Read(ref _channelWriteFail);

    /// <summary>Inputs that could not be read: bad frames, over-long lines.</summary>
    public long EventReadFail => Interlocked.Read(ref _eventReadFail);

    /// <summary>Adds <paramref name="count"/> received events.</summary>
    public void AddEventsReceived(long count) => Interlocked.Add(ref _eventReceived, count);

    /// <summary>Adds <paramref name="count"/> events committed to the channels.</summary>
    public void AddEventsAccepted(long count) => Interlocked.Add(ref _eventAccepted, count);

    /// <summary>Counts one <c>append</c> request received.</summary>
    public void IncrementAppendReceived() => Interlocked.Increment(ref _appendReceived);

    /// <summary>Counts one <c>append</c> request accepted.</summary>
    public void IncrementAppendAccepted() => Interlocked.Increment(ref _appendAccepted);

    /// <summary>Counts one <c>appendBatch</c> request received.</summary>
    public void IncrementAppendBatchReceived() => Interlocked.Increment(ref _appendBatchReceived);

    /// <summary>Counts one <c>appendBatch</c> request accepted.</summary>
    public void IncrementAppendBatchAccepted() => Interlocked.Increment(ref _appendBatchAccepted);

    /// <summary>Counts one batch a channel refused.</summary>
    public void IncrementChannelWriteFail() => Interlocked.Increment(ref _channelWriteFail);

    /// <summary>Adds <paramref name="count"/> inputs that could not be read.</summary>
    public void AddEventReadFail(long count) => Interlocked.Add(ref _eventReadFail, count);

    /// <summary>Counts a connection opening.</summary>
    public void ConnectionOpened() => Interlocked.Increment(ref _openConnections);

    /// <summary>Counts a connection closing.</summary>
    public void ConnectionClosed() => Interlocked.Decrement(ref _openConnections);

    /// <summary>Connections closed at accept because max-connections were open.</summary>
    public long ConnectionRefusedCount => Interlocked.Read(ref _connectionsRefused);

    /// <summary>Connections closed for idle-timeout or min-data-rate.</summary>
    public long ConnectionTimedOutCount => Interlocked.Read(ref _connectionsTimedOut);

    /// <summary>Counts a connection refused at accept.</summary>
    public void ConnectionRefused() => Interlocked.Increment(ref _connectionsRefused);

    /// <summary>Counts a connection closed for being idle or too slow.</summary>
    public void ConnectionTimedOut() => Interlocked.Increment(ref _connectionsTimedOut);

    /// <summary>Counts one undecodable input.</summary>
    public void InputRejected() => Interlocked.Increment(ref _eventReadFail);

    /// <inheritdoc />
    protected override void CollectCounters(ICollection<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.Add(new Metric("EventReceivedCount", MetricKind.Counter, EventReceivedCount));
        metrics.Add(new Metric("EventAcceptedCount", MetricKind.Counter, EventAcceptedCount));
        metrics.Add(new Metric("AppendReceivedCount", MetricKind.Counter, AppendReceivedCount));
        metrics.Add(new Metric("AppendAcceptedCount", MetricKind.Counter, AppendAcceptedCount));
        metrics.Add(new Metric("AppendBatchReceivedCount", MetricKind.Counter, AppendBatchReceivedCount));
        metrics.Add(new Metric("AppendBatchAcceptedCount", MetricKind.Counter, AppendBatchAcceptedCount));
        metrics.Add(new Metric("OpenConnectionCount", MetricKind.Gauge, OpenConnectionCount));
        metrics.Add(new Metric("ChannelWriteFail", MetricKind.Counter, ChannelWriteFail));
        metrics.Add(new Metric("EventReadFail", MetricKind.Counter, EventReadFail));
        metrics.Add(new Metric("ConnectionRefusedCount", MetricKind.Counter, ConnectionRefusedCount));
        metrics.Add(new Metric("ConnectionTimedOutCount", MetricKind.Counter, ConnectionTimedOutCount));
    }
}
