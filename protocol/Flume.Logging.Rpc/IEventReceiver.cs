using Flume.Logging.Protocol;

namespace Flume.Logging.Rpc;

/// <summary>
/// What an RPC server hands decoded requests to (a relay source). The status returned is sent to the client,
/// so a receiver must answer <see cref="EventStatus.Ok"/> only once the events are durably accepted.
/// </summary>
public interface IEventReceiver
{
    /// <summary>Handles an <c>append</c> request.</summary>
    ValueTask<EventStatus> AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken);

    /// <summary>Handles an <c>appendBatch</c> request.</summary>
    ValueTask<EventStatus> AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken);
}
