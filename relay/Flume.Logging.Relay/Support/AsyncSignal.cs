namespace Flume.Logging.Relay.Support;

/// <summary>
/// Wakes every waiter when state changes. Waiters take <see cref="WaitTask"/> while holding the lock that guards
/// the state they checked, so a pulse after their check can never be missed.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _waiters = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _awaited;

    /// <summary>Completes at the next <see cref="Pulse"/>. Call under the state's lock.</summary>
    public Task WaitTask
    {
        get
        {
            _awaited = true;
            return _waiters.Task;
        }
    }

    /// <summary>Wakes current waiters. Call under the state's lock after changing it; free when nobody waits.</summary>
    public void Pulse()
    {
        if (!_awaited)
        {
            return;
        }

        _awaited = false;
        var woken = _waiters;
        _waiters = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        woken.TrySetResult();
    }
}
