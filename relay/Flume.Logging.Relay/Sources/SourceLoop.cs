namespace Flume.Logging.Relay.Sources;

/// <summary>
/// The reading loop of a source that pulls its input (spooldir, TAILDIR, exec) and how it ends: stop lets the batch
/// in hand finish and waits for the loop; when the stop deadline passes, or on dispose, the batch in hand is
/// abandoned (rolled back) instead, as a crash would leave it.
/// </summary>
internal sealed class SourceLoop : IAsyncDisposable
{
    /// <summary>Cancelled by stop: take no new batch, but finish the one in hand.</summary>
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the stop deadline passes or on dispose: abandon (roll back) the batch in hand.</summary>
    private readonly CancellationTokenSource _abort = new();
    private Task? _loop;
    private int _disposed;

    /// <summary>Cancelled once stop (or dispose) is asked for.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Cancelled once the batch in hand must be abandoned.</summary>
    public CancellationToken Abort => _abort.Token;

    /// <summary>Whether stop (or dispose) was asked for.</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Whether the batch in hand must be abandoned.</summary>
    public bool IsAborted => _abort.IsCancellationRequested;

    /// <summary>Runs <paramref name="loop"/> on the thread pool.</summary>
    public void Start(Func<Task> loop) => _loop = Task.Run(loop, CancellationToken.None);

    /// <summary>
    /// Asks the loop to stop and waits for it; when <paramref name="deadline"/> is cancelled first, the batch in hand
    /// is abandoned. Returns whether a loop had been started.
    /// </summary>
    public async Task<bool> StopAsync(CancellationToken deadline)
    {
        await _stopping.CancelAsync();
        if (_loop is null)
        {
            return false;
        }

        await using (deadline.Register(() => _abort.Cancel()))
        {
            await _loop.WaitAsync(deadline);
        }

        return true;
    }

    /// <summary>Abandons the batch in hand and waits for the loop to end, whatever it ended with.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _abort.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
        _abort.Dispose();
    }
}
