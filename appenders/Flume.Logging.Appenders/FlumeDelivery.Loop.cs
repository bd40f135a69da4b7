using System.Globalization;
using Flume.Logging.Appenders.Delivery;
using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders;

/// <summary>The delivery loop: batching, sending, waiting out the relays' backoff, and draining at shutdown.</summary>
internal sealed partial class FlumeDelivery
{
    /// <summary>
    /// How often a loop filling a batch looks for more events. Log calls do not wake it: waking a sleeping thread is
    /// a system call, and it would land on the application's thread (measured: p99.9 of a call 10-17 us with the
    /// relay up, against 0.6 us with it down, when every call could wake the loop).
    /// </summary>
    internal static readonly TimeSpan LingerPoll = TimeSpan.FromMilliseconds(1);

    private EventBatch _batch;
    private EventBatch _next;
    private bool _down;
    private long _shutdownStarted;

    private async Task RunAsync()
    {
        try
        {
            OpenBuffer();
            while (true)
            {
                try
                {
                    await DeliverAsync().ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _selfLog.Write($"Flume appender: delivery loop failed ({e.GetType().Name}: {e.Message}); restarting it");
                    DropBatches("the delivery loop failed while holding them");
                    if (Stopping)
                    {
                        DropQueued("the delivery loop failed during shutdown");
                        return;
                    }

                    await WaitAsync(RetryDelay.Unknown, _stop.Token).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await CloseResourcesAsync().ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync()
    {
        while (true)
        {
            if (_disk is { Count: > 0 } disk)
            {
                if (!await DrainDiskAsync(disk).ConfigureAwait(false))
                {
                    // Disposal with the relays down: what the full buffer had no room for has nowhere else to go.
                    DropQueued($"the disk buffer at {disk.Path} is full, at its BufferSizeLimit of {disk.Count} events");
                    return;
                }

                continue;
            }

            if (_batch.Count == 0 && !await FillBatchAsync().ConfigureAwait(false))
            {
                return;
            }

            if (_batch.Count == 0)
            {
                continue;
            }

            if (_disk is { } buffer && Stopping && RelaysDown)
            {
                // Disposing while the relays are down: buffer at once instead of waiting out their backoff.
                await PutOnDiskAsync(buffer, _batch).ConfigureAwait(false);
                continue;
            }

            var sending = SendAsync(_batch.Events, _deadline.Token);
            if (!sending.IsCompleted)
            {
                // Building the next batch (the work log calls handed over) overlaps the wait for the relay's answer.
                TakeInto(_next, _batchSize - _next.Count);
            }

            if (await sending.ConfigureAwait(false) is not { } failure)
            {
                Sent(_batch);
                PromoteNext();
                continue;
            }

            if (_disk is { } diskBuffer)
            {
                // Order on disk is the order of the calls: this batch, then the one built behind it, then the queue.
                await PutOnDiskAsync(diskBuffer, _batch).ConfigureAwait(false);
                await PutOnDiskAsync(diskBuffer, _next).ConfigureAwait(false);
                continue;
            }

            if (await WaitToRetryAsync(failure).ConfigureAwait(false) is { } givenUp)
            {
                // Down, or up but too slow: either way they did not take these in the time shutdown allows.
                // Our own cancellation at the deadline says only that the relay had not answered yet.
                var reason = failure is OperationCanceledException
                    ? $"{givenUp}; the relay had not answered the batch in flight"
                    : $"{givenUp}; last failure: {failure.Message}";
                DropBatches(reason);
                DropQueued(reason);
                return;
            }
        }
    }

    /// <summary>
    /// Fills <see cref="_batch"/>: waits for a first event (the only wait a log call ends, once per idle spell), then
    /// up to the flush interval for the batch to fill, looking every <see cref="LingerPoll"/> while events come and
    /// less often while none do. Flush and dispose wake it early. False once disposal has begun and the queue is empty.
    /// </summary>
    private async Task<bool> FillBatchAsync()
    {
        while (true)
        {
            while (_queue.IsEmpty)
            {
                if (Stopping)
                {
                    return false;
                }

                await _queue.WaitForEntriesAsync().ConfigureAwait(false);
            }

            TakeInto(_batch, _batchSize - _batch.Count);
            if (_batch.Count > 0)
            {
                break;
            }

            // A log call claimed a slot and is writing its entry: it is there in a moment. Lingering instead would
            // wait a poll for it, with no doorbell to end the wait, since the loop never went idle.
            await Task.Yield();
        }
        var started = _time.GetTimestamp();
        var pollEvery = LingerPoll;
        while (_batch.Count < _batchSize && !_progress.FlushPending && !Stopping)
        {
            var remaining = _flushInterval - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            var doorbell = _queue.Doorbell;
            if (_progress.FlushPending || Stopping)
            {
                break;
            }

            using (var poll = new CancellationTokenSource())
            {
                await Task.WhenAny(Task.Delay(remaining < pollEvery ? remaining : pollEvery, _time, poll.Token), doorbell).ConfigureAwait(false);
                await poll.CancelAsync().ConfigureAwait(false);
            }

            // Nothing new: look half as often, down to ten times per flush interval, so a trickle of events does not
            // keep the loop waking every millisecond.
            var before = _batch.Count;
            TakeInto(_batch, _batchSize - _batch.Count);
            pollEvery = _batch.Count > before ? LingerPoll : TimeSpan.FromTicks(Math.Min(pollEvery.Ticks * 2, Math.Max(LingerPoll.Ticks, _flushInterval.Ticks / 10)));
        }

        return true;
    }

    /// <summary>One attempt to send <paramref name="events"/>; null on success, else the failure.</summary>
    private async Task<Exception?> SendAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            await _client.AppendBatchAsync(events, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            // Our own stop interrupted the attempt: that says nothing about the relays, so it must not mark them down
            // (which would make shutdown skip draining a reachable relay).
            return e;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _counters.AddBatchFailed();
            MarkDown(e);
            return e;
        }

        MarkUp();
        return null;
    }

    /// <summary>
    /// Waits as long as the relays' backoff says, then null (retry). At shutdown, gives up instead, saying why, when
    /// that wait would use more than half the time left (the other half is for the attempt and for counting what is
    /// lost) or the deadline passed: what is left cannot be sent in time, and the application's exit should not wait
    /// for nothing.
    /// </summary>
    private async Task<string?> WaitToRetryAsync(Exception failure)
    {
        var delay = RetryDelay.After(failure);
        if (Stopping)
        {
            if (_deadline.IsCancellationRequested)
            {
                return DeadlineEnded();
            }

            var left = _shutdownTimeout - _time.GetElapsedTime(_shutdownStarted);
            if (delay > left / 2)
            {
                // Said apart from the deadline's end, so that a shutdown that returned early is not read as one that
                // waited its whole timeout.
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"no relay took them, and the next retry was due in {delay.TotalSeconds:0.0} s, more than half of the {left.TotalSeconds:0.0} s left of the ShutdownTimeout {_shutdownTimeout}");
            }

            return await WaitAsync(delay, _deadline.Token).ConfigureAwait(false) ? null : DeadlineEnded();
        }

        // Disposal cuts the wait short: the loop then looks again, with the shutdown deadline.
        await WaitAsync(delay, _stop.Token).ConfigureAwait(false);
        return null;
    }

    private string DeadlineEnded() => $"no relay took them before the ShutdownTimeout {_shutdownTimeout} ended";

    /// <summary>Waits <paramref name="delay"/>; false when <paramref name="cancellationToken"/> ended it early.</summary>
    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> entries from the memory queue into <paramref name="into"/>, and frees their
    /// room. Returns how many left the queue.
    /// </summary>
    private int TakeInto(EventBatch into, int max)
    {
        var taken = 0;
        long bytes = 0;
        while (taken < max && _queue.TryTake(out var entry))
        {
            bytes += entry.Size;
            taken++;
            into.Add(entry);
        }

        if (taken > 0)
        {
            _queue.Release(bytes);
        }

        return taken;
    }

    private void Sent(EventBatch batch)
    {
        _counters.AddSent(batch.Count);
        _progress.Settle(batch.Count);
        batch.Clear();
    }

    /// <summary>The batch built during the last send becomes the current one, topped up from the queue.</summary>
    private void PromoteNext()
    {
        _batch.Clear();
        (_batch, _next) = (_next, _batch);
        if (_batch.Count is > 0 and var built && built < _batchSize)
        {
            TakeInto(_batch, _batchSize - built);
        }
    }

    private void DropBatches(string reason)
    {
        foreach (var batch in (ReadOnlySpan<EventBatch>)[_batch, _next])
        {
            if (batch.Count > 0)
            {
                _drops.Drop(batch, reason);
                _progress.Settle(batch.Count);
                batch.Clear();
            }
        }
    }

    /// <summary>Drops whatever is still queued in memory, counting each entry.</summary>
    private void DropQueued(string reason)
    {
        long bytes = 0;
        while (_queue.TryTake(out var entry))
        {
            bytes += entry.Size;
            _drops.Drop(entry, reason);
            _progress.Settle(1);
        }

        _queue.Release(bytes);
    }

    private void MarkDown(Exception e)
    {
        if (!_down)
        {
            Volatile.Write(ref _down, true);

            // Log calls blocked on a full queue stop waiting for relays that are down.
            _queue.WakeWriters();
            var then = _disk is null ? "retrying" : "buffering to disk and retrying";
            _selfLog.Write($"Flume appender: cannot deliver to {_hosts} ({e.Message}); {then} as each relay's backoff (up to {_maxBackoff}) allows");
        }
    }

    private void MarkUp()
    {
        if (_down)
        {
            Volatile.Write(ref _down, false);
            _selfLog.Write($"Flume appender: delivery to {_hosts} resumed");
        }
    }

    private async Task CloseResourcesAsync()
    {
        try
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _selfLog.Write($"Flume appender: closing the connections to {_hosts} failed: {e.Message}");
        }

        if (_disk is { } disk)
        {
            try
            {
                await disk.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (DiskBuffer.IsDiskFailure(e))
            {
                _selfLog.Write($"Flume appender: closing the disk buffer at {disk.Path} failed: {e.Message}");
            }
        }
    }
}
