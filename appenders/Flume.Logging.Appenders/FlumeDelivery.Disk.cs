using Flume.Logging.Appenders.Delivery;
using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders;

/// <summary>The delivery loop's use of the disk buffer: spilling memory to it, and draining it oldest first.</summary>
internal sealed partial class FlumeDelivery
{
    /// <summary>
    /// How often the memory queue moves to disk while the relays are down, when the flush interval is longer: the
    /// queue is then all that stands between log calls and the disk, and a burst of 100,000 events a second fills it
    /// within the default 1 s flush interval. Ten wake-ups a second during an outage cost nothing next to the writes.
    /// </summary>
    internal static readonly TimeSpan SpillPoll = TimeSpan.FromMilliseconds(100);

    private readonly List<FlumeEvent> _diskScratch = [];

    // Made at the first spill, growing to the largest put: an appender without a disk buffer never needs it.
    private EventBatch? _spill;
    private DiskBuffer? _disk;

    private void OpenBuffer()
    {
        if (_bufferPath is not null)
        {
            _disk = DiskBuffer.Open(_bufferPath, _bufferSizeLimit, _batchSize, _time, _selfLog);
        }
    }

    /// <summary>
    /// Sends the disk buffer, oldest first, one batch at a time, moving the memory queue behind it before each batch
    /// so order is kept and log calls find room. True once it is empty; false when disposal ends the drain (the
    /// relays are down, or the deadline passed): the memory queue is then on disk too, for the next run.
    /// </summary>
    private async Task<bool> DrainDiskAsync(DiskBuffer disk)
    {
        while (true)
        {
            await SpillAsync(disk).ConfigureAwait(false);
            if (disk.Count == 0)
            {
                return true;
            }

            if (Stopping && (RelaysDown || _deadline.IsCancellationRequested))
            {
                return false;
            }

            // Only the shutdown deadline cuts an attempt short, as on the memory path: disposal itself must not, since
            // a batch in flight may already be with the relay, and sending it again would deliver it twice.
            Exception? failure;
            try
            {
                (var sent, failure) = await disk.SendOldestAsync(_diskScratch, batch => SendAsync(batch, _deadline.Token)).ConfigureAwait(false);
                _counters.AddSent(sent);
            }
            catch (Exception e) when (DiskBuffer.IsDiskFailure(e))
            {
                _selfLog.Write($"Flume appender: the disk buffer at {disk.Path} failed ({e.Message}); retrying");
                failure = e;
            }

            if (failure is not null && !await WaitToRetryWhileSpillingAsync(disk, failure).ConfigureAwait(false))
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Waits out the relays' backoff, moving the memory queue to disk every <see cref="SpillPoll"/> (or flush interval,
    /// if shorter) meanwhile, so log calls keep finding room while the disk has it. False when disposal has begun: what
    /// is in memory is then on disk, as far as the buffer has room.
    /// </summary>
    private async Task<bool> WaitToRetryWhileSpillingAsync(DiskBuffer disk, Exception failure)
    {
        var delay = RetryDelay.After(failure);
        var started = _time.GetTimestamp();
        var poll = _flushInterval < SpillPoll ? _flushInterval : SpillPoll;
        while (!Stopping)
        {
            var remaining = delay - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return true;
            }

            await WaitAsync(remaining < poll ? remaining : poll, _stop.Token).ConfigureAwait(false);
            await SpillAsync(disk).ConfigureAwait(false);
        }

        await SpillAsync(disk).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Moves the memory queue to the disk buffer, behind what is there, as far as the buffer has room. What does not
    /// fit stays in memory behind the disk, and goes once the relays take what is on disk: the memory queue is buffer
    /// too, and log calls meet its overflow mode when both are full. After a put the disk refused (a disk failure, not
    /// a lack of room) the rest waits for the next spill, unless disposal has begun.
    /// </summary>
    private async ValueTask SpillAsync(DiskBuffer disk)
    {
        var spill = _spill ??= new EventBatch(0, _drops.WantsSources);
        while (TakeInto(spill, disk.PutLimit) > 0)
        {
            if (!await PutOnDiskAsync(disk, spill).ConfigureAwait(false) && !Stopping)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="batch"/> to the disk buffer (or drops it, reported, when the buffer refuses it) and clears
    /// it. False when it was refused.
    /// </summary>
    private async ValueTask<bool> PutOnDiskAsync(DiskBuffer disk, EventBatch batch)
    {
        if (batch.Count == 0)
        {
            return true;
        }

        var stored = true;
        try
        {
            // The buffer's queue keeps the events it is given, and the batch's bytes are reused once it is cleared.
            await disk.PutAsync(batch.DetachedEvents()).ConfigureAwait(false);
            _counters.AddBuffered(batch.Count);
        }
        catch (Exception e) when (DiskBuffer.IsDiskFailure(e))
        {
            _drops.Drop(batch, $"the disk buffer at {disk.Path} refused them: {e.Message}");
            stored = false;
        }

        _progress.Settle(batch.Count);
        batch.Clear();
        return stored;
    }
}
