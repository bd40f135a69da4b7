using System.Threading.Tasks.Sources;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>
/// The one wake-up the block writer's caller waits on (window space, or everything acked), reused for every wait so
/// waiting allocates nothing. One waiter at a time; <see cref="Set"/> and <see cref="Cancel"/> may race, the first wins.
/// </summary>
internal sealed class AckSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> core = new() { RunContinuationsAsynchronously = true };
    private int armed;

    /// <summary>Starts a wait; the caller checks its condition after arming, under the same lock the waker holds.</summary>
    public ValueTask Arm()
    {
        core.Reset();
        Volatile.Write(ref armed, 1);
        return new ValueTask(this, core.Version);
    }

    /// <summary>Wakes the waiter, if any.</summary>
    public void Set()
    {
        if (Interlocked.Exchange(ref armed, 0) == 1)
        {
            core.SetResult(true);
        }
    }

    /// <summary>Ends the wait with cancellation, if one is armed.</summary>
    public void Cancel(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref armed, 0) == 1)
        {
            core.SetException(new OperationCanceledException(cancellationToken));
        }
    }

    void IValueTaskSource.GetResult(short token) => core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        core.OnCompleted(continuation, state, token, flags);
}
