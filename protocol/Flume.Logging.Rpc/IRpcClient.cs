using Flume.Logging.Protocol;

namespace Flume.Logging.Rpc;

/// <summary>
/// A client of a Flume <c>avro</c> or <c>thrift</c> source, mirroring Flume's <c>RpcClient</c>.
/// Every method either completes because the peer answered OK, or throws <see cref="EventDeliveryException"/>.
/// </summary>
public interface IRpcClient : IAsyncDisposable
{
    /// <summary>The largest number of events sent in one <c>appendBatch</c> request.</summary>
    int BatchSize { get; }

    /// <summary>False once the client has been disposed or can no longer be used.</summary>
    bool IsActive { get; }

    /// <summary>Sends one event with the <c>append</c> message.</summary>
    ValueTask AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends the events with <c>appendBatch</c>, in requests of at most <see cref="BatchSize"/> events.
    /// On failure some leading requests may already have been accepted (Flume's at-least-once contract). The events
    /// are read only until the returned task completes, so the caller may then reuse their memory.
    /// </summary>
    ValueTask AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken = default);
}
