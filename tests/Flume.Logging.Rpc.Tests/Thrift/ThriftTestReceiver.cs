using System.Collections.Concurrent;
using Flume.Logging.Protocol;

namespace Flume.Logging.Rpc.Tests.Thrift;

/// <summary>Records what a server hands over and answers a settable status (or throws).</summary>
internal sealed class ThriftTestReceiver : IEventReceiver
{
    public ConcurrentQueue<FlumeEvent> Events { get; } = new();

    public ConcurrentQueue<int> BatchSizes { get; } = new();

    public EventStatus Answer { get; set; } = EventStatus.Ok;

    public Exception? Failure { get; set; }

    public ValueTask<EventStatus> AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken)
    {
        if (Failure is not null)
        {
            throw Failure;
        }

        Events.Enqueue(flumeEvent);
        return ValueTask.FromResult(Answer);
    }

    public ValueTask<EventStatus> AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken)
    {
        if (Failure is not null)
        {
            throw Failure;
        }

        BatchSizes.Enqueue(events.Count);
        foreach (var e in events)
        {
            Events.Enqueue(e);
        }

        return ValueTask.FromResult(Answer);
    }
}
