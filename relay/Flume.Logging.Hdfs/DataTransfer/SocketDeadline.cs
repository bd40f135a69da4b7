namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>
/// A socket timeout for async reads and writes (which ignore the socket's own timeouts): one reusable timer that
/// cancels the operation, combined with the caller's token without allocating when that token cannot be cancelled.
/// Not thread-safe: one operation at a time per instance.
/// </summary>
internal sealed class SocketDeadline(TimeSpan timeout) : IDisposable
{
    private CancellationTokenSource timer = new();
    private CancellationTokenRegistration callerRegistration;

    /// <summary>Starts timing one operation; pass the token returned to it and call <see cref="Stop"/> after.</summary>
    public CancellationToken Start(CancellationToken cancellationToken)
    {
        callerRegistration = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timer);
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            timer.CancelAfter(timeout);
        }

        return timer.Token;
    }

    /// <summary>Ends the operation started last; the timer is reused unless it fired.</summary>
    public void Stop()
    {
        callerRegistration.Dispose();
        if (!timer.TryReset())
        {
            timer.Dispose();
            timer = new CancellationTokenSource();
        }
    }

    /// <summary>What a cancelled operation means: the caller's cancellation, or else a timeout.</summary>
    public Exception Translate(OperationCanceledException canceled, string operation, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested
            ? new OperationCanceledException(canceled.Message, canceled, cancellationToken)
            : new TimeoutException($"{operation} took longer than the socket timeout of {timeout.TotalSeconds:0.###} s", canceled);

    /// <inheritdoc/>
    public void Dispose()
    {
        callerRegistration.Dispose();
        timer.Dispose();
    }
}
