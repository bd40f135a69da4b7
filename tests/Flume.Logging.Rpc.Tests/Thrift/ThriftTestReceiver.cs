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

    /// <summary>When set, <c>append</c> signals <see cref="Entered"/> and waits for this before answering.</summary>
    public Task? Hold { get; set; }

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask<EventStatus> AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken)
    {
        if (Failure is not null)
        {
            throw Failure;
        }

        if (Hold is not null)
        {
            Entered.TrySetResult();
            await Hold;
        }

        Events.Enqueue(flumeEvent);
        return Answer;
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
