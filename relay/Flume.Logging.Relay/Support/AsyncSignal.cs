namespace Flume.Logging.Relay.Support;

/// <summary>
/// Wakes every waiter when state changes. Waiters take <see cref="WaitTask"/> (or, to block a thread,
/// <see cref="BlockingHandle"/>) while holding the lock that guards the state they checked, so a pulse after their
/// check can never be missed.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _waiters = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _awaited;
    private ManualResetEventSlim? _blocking;

    /// <summary>Completes at the next <see cref="Pulse"/>. Call under the state's lock.</summary>
    public Task WaitTask
    {
        get
        {
            _awaited = true;
            return _waiters.Task;
        }
    }

    /// <summary>
    /// Set at the next <see cref="Pulse"/>, for a thread of its own that blocks instead of awaiting: the pulsing thread
    /// wakes it directly, where a task's continuation would first go through the thread pool. Call under the state's
    /// lock.
    /// </summary>
    public ManualResetEventSlim BlockingHandle
    {
        // No spinning: the waits are for other threads' requests, which take far longer than a spin. A new handle
        // after each pulse, as a new task: resetting a shared one could send a woken thread that has not yet looked
        // back to sleep.
        get => _blocking ??= new ManualResetEventSlim(initialState: false, spinCount: 0);
    }

    /// <summary>
    /// Wakes current waiters. Call under the state's lock after changing it; free when nobody waits. Returns the handle
    /// that blocked threads wait on, if any, for the caller to set once it has released the lock: set under it, the
    /// woken thread would at once find the lock held and have to sleep again.
    /// </summary>
    public ManualResetEventSlim? Pulse()
    {
        var blocked = _blocking;
        _blocking = null;
        if (_awaited)
        {
            _awaited = false;
            var woken = _waiters;
            _waiters = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            woken.TrySetResult();
        }

        return blocked;
    }
}
