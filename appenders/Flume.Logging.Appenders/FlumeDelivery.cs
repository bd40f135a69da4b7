using System.Diagnostics;
using System.Collections.Concurrent;
using Flume.Logging.FileChannel;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Polly;
using Polly.Retry;

namespace Flume.Logging.Appenders;

/// <summary>
/// The delivery core of one appender. A log call hands a record (or a ready event) to <c>TryEnqueue</c>, which puts
/// it in a bounded in-memory queue (events and bytes) and returns; one background loop builds the events, batches
/// them, sends with the RPC client and retries with exponential backoff. With <see cref="FlumeAppenderOptions.BufferPath"/>, events that cannot
/// be sent go to a durable file queue (the relay's file channel), which is drained first, in order, once a relay
/// answers. Nothing here throws into the application because of delivery: failures are counted and self-logged.
/// </summary>
internal sealed class FlumeDelivery : IAsyncDisposable
{
    private static readonly TimeSpan DropReportInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How often a loop filling a batch looks for more events. Log calls do not wake it: waking a sleeping thread is
    /// a system call, and it would land on the application's thread (measured: p99.9 of a call 10-17 us with the
    /// relay up, against 0.6 us with it down, when every call could wake the loop).
    /// </summary>
    internal static readonly TimeSpan LingerPoll = TimeSpan.FromMilliseconds(1);

    // Lock-free for log calls: a lock here could be held by a preempted thread, and then a log call would wait.
    private readonly ConcurrentQueue<QueuedEvent> _queue = new();
    private readonly int _queueLimit;
    // A plain object: blocked log calls wait on it with Monitor.Wait, which System.Threading.Lock does not offer.
    private readonly object _spaceGate = new();
    private readonly IRpcClient _client;
    private readonly TimeProvider _time;
    private readonly Action<string> _selfLog;
    private readonly ResiliencePipeline _retry;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _deadline;
    private List<FlumeEvent> _batch;
    private List<FlumeEvent> _next;
    private readonly string _hosts;
    private readonly int _batchSize;
    private readonly long _byteLimit;
    private readonly OverflowMode _overflow;
    private readonly TimeSpan _blockTimeout;
    private readonly TimeSpan _flushInterval;
    private readonly TimeSpan _shutdownTimeout;
    private readonly TimeSpan _maxBackoff;
    private readonly string? _bufferPath;
    private readonly int _bufferSizeLimit;
    private readonly Task _loop;
    private TaskCompletionSource _progress = NewSignal();
    private TaskCompletionSource _wake = NewSignal();
    private FileEventQueue? _disk;
    private long _queuedBytes;
    private int _queuedCount;
    private int _loopIdle;
    private int _blockedWriters;
    private long _enqueued;
    private long _sent;
    private long _dropped;
    private long _buffered;
    private long _batchesFailed;
    private long _settled;
    private long _flushTarget;
    private long _dropsUnreported;
    private long _lastDropReport = long.MinValue;
    private string _lastDropReason = "";
    private bool _down;
    private int _closed;

    /// <summary>
    /// Validates <paramref name="options"/> (throwing <see cref="ArgumentException"/> naming the first bad setting),
    /// builds the RPC client (connections open on first send) and starts the background loop.
    /// </summary>
    /// <param name="options">The appender's settings, read once.</param>
    /// <param name="context">The front end's identity, reporting hooks and test seams; null for the defaults.</param>
    public FlumeDelivery(FlumeAppenderOptions options, DeliveryContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        context ??= new DeliveryContext();
        _time = context.TimeProvider ?? TimeProvider.System;
        _selfLog = context.SelfLog ?? (static _ => { });
        _hosts = options.Hosts.Trim();
        _batchSize = options.BatchSize;
        _byteLimit = options.QueueByteLimit;
        _overflow = options.Overflow;
        _blockTimeout = options.BlockTimeout;
        _flushInterval = options.FlushInterval;
        _shutdownTimeout = options.ShutdownTimeout;
        _maxBackoff = options.MaxBackoff;
        _bufferPath = options.BufferPath;
        _bufferSizeLimit = options.BufferSizeLimit;
        _batch = new List<FlumeEvent>(_batchSize);
        _next = new List<FlumeEvent>(_batchSize);
        _deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        _queueLimit = options.QueueLimit;
        var rpcOptions = options.ToRpcClientOptions();
        _client = context.ClientFactory is { } clientFactory ? clientFactory(rpcOptions) : RpcClients.Create(rpcOptions, null, _time);
        var jitter = context.Random ?? Random.Shared;
        _retry = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(static e => e is not OperationCanceledException),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstRetryDelay < _maxBackoff ? FirstRetryDelay : _maxBackoff,
                MaxDelay = _maxBackoff,
                MaxRetryAttempts = int.MaxValue,
                Randomizer = jitter.NextDouble,
            })
            .Build();
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Events accepted into the memory queue.</summary>
    public long EventsEnqueued => Interlocked.Read(ref _enqueued);

    /// <summary>Events a relay acknowledged (from memory or from the disk buffer).</summary>
    public long EventsSent => Interlocked.Read(ref _sent);

    /// <summary>Events lost: refused by overflow, refused after dispose, unsendable at the shutdown deadline, or refused by a full disk buffer.</summary>
    public long EventsDropped => Interlocked.Read(ref _dropped);

    /// <summary>Events written to the disk buffer (cumulative); they are sent, and counted in <see cref="EventsSent"/>, when a relay is back.</summary>
    public long EventsBuffered => Interlocked.Read(ref _buffered);

    /// <summary>Send attempts that failed (each retried or buffered).</summary>
    public long BatchesFailed => Interlocked.Read(ref _batchesFailed);

    /// <summary>
    /// Queues <paramref name="flumeEvent"/> for delivery. Returns false, counting and reporting a drop, when the
    /// queue is full under <see cref="OverflowMode.DropNewest"/>, stays full for the block timeout under
    /// <see cref="OverflowMode.Block"/>, or after dispose. Never does I/O, never throws.
    /// </summary>
    public bool TryEnqueue(FlumeEvent flumeEvent)
    {
        if (flumeEvent is null)
        {
            return false;
        }

        try
        {
            return Enqueue(new QueuedEvent(flumeEvent, default, null, SizeOf(flumeEvent)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A log call must never fail because of delivery; the event is counted as lost instead.
            return Refuse($"unexpected error: {e.Message}");
        }
    }

    /// <summary>
    /// Queues one log call as it is and returns; the background loop builds its event with <paramref name="events"/>
    /// when it batches. The call thus allocates nothing and only copies the record into the queue. The record and
    /// what it references (message, exception, properties list) must not change afterwards: front ends pass strings
    /// and snapshots. Returns false, counting and reporting a drop, as <see cref="TryEnqueue(FlumeEvent)"/> does.
    /// </summary>
    public bool TryEnqueue(in FlumeLogRecord record, FlumeEventFactory events)
    {
        ArgumentNullException.ThrowIfNull(events);
        try
        {
            return Enqueue(new QueuedEvent(null, record, events, events.EstimateSize(record)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Refuse($"unexpected error: {e.Message}");
        }
    }

    /// <summary>
    /// Sends what was queued before the call without waiting for batches to fill, and completes with true once all
    /// of it is sent (or moved to the disk buffer, or dropped), or false when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref _enqueued);
        long seen;
        do
        {
            seen = Interlocked.Read(ref _flushTarget);
        }
        while (seen < target && Interlocked.CompareExchange(ref _flushTarget, target, seen) != seen);

        Wake();
        var started = _time.GetTimestamp();
        while (true)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (Interlocked.Read(ref _settled) >= target)
            {
                return true;
            }

            var remaining = timeout - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await progress.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return Interlocked.Read(ref _settled) >= target;
            }
        }
    }

    /// <summary>
    /// Stops accepting events and delivers what is queued within the shutdown timeout. With a disk buffer, what cannot
    /// be sent at once (the relays are down, or older events wait on disk) is written to the buffer instead, so dispose
    /// is quick; without one, sending is retried until the timeout and what is left is dropped and reported.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        lock (_spaceGate)
        {
            Monitor.PulseAll(_spaceGate);
        }

        _deadline.CancelAfter(_shutdownTimeout);
        await _stop.CancelAsync().ConfigureAwait(false);
        Wake();
        try
        {
            // The loop honours the deadline itself; the margin only guards against a send that ignores cancellation.
            await _loop.WaitAsync(_shutdownTimeout + TimeSpan.FromSeconds(1), _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            SelfLog($"Flume appender: delivery did not stop within ShutdownTimeout {_shutdownTimeout}; {Volatile.Read(ref _queuedCount)} queued events are lost");
        }

        await _client.DisposeAsync().ConfigureAwait(false);
        if (_disk is { } disk)
        {
            try
            {
                await disk.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or FileChannelException or UnauthorizedAccessException)
            {
                SelfLog($"Flume appender: closing the disk buffer at {_bufferPath} failed: {e.Message}");
            }
        }

        ReportDrops(force: true);
        _stop.Dispose();
        _deadline.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static int SizeOf(FlumeEvent flumeEvent)
    {
        var size = flumeEvent.Body.Length;
        if (flumeEvent.Headers is Dictionary<string, string> headers)
        {
            foreach (var header in headers)
            {
                size += header.Key.Length + header.Value.Length;
            }
        }

        return size;
    }

    private bool Enqueue(in QueuedEvent item)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return Refuse("the appender is closed");
        }

        if (item.Size > _byteLimit)
        {
            return Refuse($"one event of {item.Size} bytes exceeds QueueByteLimit {_byteLimit}");
        }

        if (TryWrite(item))
        {
            return Accepted();
        }

        return _overflow switch
        {
            OverflowMode.DropNewest => Refuse("the queue is full (DropNewest)"),
            OverflowMode.DropOldest => WriteDroppingOldest(item),
            _ => WriteBlocking(item),
        };
    }

    private bool Accepted()
    {
        Interlocked.Increment(ref _enqueued);
        return true;
    }

    private bool Refuse(string reason)
    {
        Drop(1, reason);
        return false;
    }

    private bool TryWrite(in QueuedEvent item)
    {
        if (Interlocked.Increment(ref _queuedCount) > _queueLimit)
        {
            Interlocked.Decrement(ref _queuedCount);
            return false;
        }

        var bytes = Interlocked.Add(ref _queuedBytes, item.Size);
        if (bytes > _byteLimit && bytes != item.Size)
        {
            Interlocked.Add(ref _queuedBytes, -item.Size);
            Interlocked.Decrement(ref _queuedCount);
            return false;
        }

        _queue.Enqueue(item);

        // Only a loop that found the queue empty and went to sleep needs waking: once per idle spell, not per call.
        if (Volatile.Read(ref _loopIdle) != 0 && Interlocked.Exchange(ref _loopIdle, 0) != 0)
        {
            Wake();
        }

        if (Volatile.Read(ref _closed) != 0 && _loop.IsCompleted)
        {
            // Disposal raced this call and the loop has already ended: count what it left, this event included.
            DropRemaining("the appender is closed");
        }

        return true;
    }

    private bool TryDequeue(out QueuedEvent item)
    {
        if (!_queue.TryDequeue(out item))
        {
            return false;
        }

        Interlocked.Decrement(ref _queuedCount);
        return true;
    }

    private bool WriteDroppingOldest(in QueuedEvent item)
    {
        while (!TryWrite(item))
        {
            if (Volatile.Read(ref _closed) != 0)
            {
                return Refuse("the appender is closed");
            }

            if (TryDequeue(out var oldest))
            {
                Interlocked.Add(ref _queuedBytes, -oldest.Size);
                Drop(1, "the queue is full (DropOldest)");
                Settle(1);
            }
        }

        return Accepted();
    }

    private bool WriteBlocking(in QueuedEvent item)
    {
        // The application thread really waits here, so the bound is wall-clock time, not the injected clock.
        var started = Stopwatch.GetTimestamp();
        lock (_spaceGate)
        {
            _blockedWriters++;
            try
            {
                while (!TryWrite(item))
                {
                    var remaining = _blockTimeout - Stopwatch.GetElapsedTime(started);
                    if (remaining <= TimeSpan.Zero || Volatile.Read(ref _closed) != 0)
                    {
                        return Refuse($"the queue stayed full for BlockTimeout {_blockTimeout.TotalMilliseconds} ms (Block)");
                    }

                    Monitor.Wait(_spaceGate, remaining);
                }
            }
            finally
            {
                _blockedWriters--;
            }
        }

        return Accepted();
    }

    private FlumeEvent? TryBuild(in QueuedEvent item)
    {
        if (item.Event is { } ready)
        {
            return ready;
        }

        try
        {
            return item.Events!.Create(item.Record);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A property or exception whose ToString throws: this one event is lost, and counted.
            Drop(1, $"its event could not be built: {e.Message}");
            Settle(1);
            return null;
        }
    }

    private void Drop(long count, string reason)
    {
        Interlocked.Add(ref _dropped, count);
        Interlocked.Add(ref _dropsUnreported, count);
        Volatile.Write(ref _lastDropReason, reason);
        ReportDrops(force: false);
    }

    private void ReportDrops(bool force)
    {
        // At most one report per interval from log calls, so a flood of drops cannot flood the self-log.
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropReport);
        if (force)
        {
            Interlocked.Exchange(ref _lastDropReport, now);
        }
        else if ((last != long.MinValue && _time.GetElapsedTime(last, now) < DropReportInterval)
            || Interlocked.CompareExchange(ref _lastDropReport, now, last) != last)
        {
            return;
        }

        if (force)
        {
            WriteDropReport();
            return;
        }

        // A log call is dropping an event: the report goes to the front end's internal log, which may write to a
        // console or a file, so it is written from the thread pool rather than the application's thread.
        ThreadPool.UnsafeQueueUserWorkItem(static self => self.WriteDropReport(), this, preferLocal: false);
    }

    private void WriteDropReport()
    {
        var count = Interlocked.Exchange(ref _dropsUnreported, 0);
        if (count > 0)
        {
            SelfLog($"Flume appender: dropped {count} events ({Volatile.Read(ref _lastDropReason)}); {EventsDropped} dropped in total");
        }
    }

    private void SelfLog(string message)
    {
        try
        {
            _selfLog(message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The self-log hook belongs to the front end; a broken one must not break delivery.
            Debug.WriteLine(e);
        }
    }

    private void Settle(long count)
    {
        Interlocked.Add(ref _settled, count);
        Interlocked.Exchange(ref _progress, NewSignal()).TrySetResult();
    }

    private void Wake() => Interlocked.Exchange(ref _wake, NewSignal()).TrySetResult();

    private bool FlushPending => Interlocked.Read(ref _flushTarget) > Interlocked.Read(ref _settled);

    private bool Stopping => Volatile.Read(ref _closed) != 0;

    /// <summary>
    /// Moves up to <paramref name="max"/> items from the memory queue into <paramref name="into"/>, building the
    /// events of queued records, and frees their room. Returns how many items left the queue; one whose event
    /// cannot be built is counted as dropped instead.
    /// </summary>
    private int TakeFromMemory(List<FlumeEvent> into, int max)
    {
        var taken = 0;
        long bytes = 0;
        while (taken < max && TryDequeue(out var item))
        {
            bytes += item.Size;
            taken++;
            if (TryBuild(item) is { } built)
            {
                into.Add(built);
            }
        }

        if (taken > 0)
        {
            Interlocked.Add(ref _queuedBytes, -bytes);
            if (Volatile.Read(ref _blockedWriters) > 0)
            {
                lock (_spaceGate)
                {
                    Monitor.PulseAll(_spaceGate);
                }
            }
        }

        return taken;
    }

    private async Task RunAsync()
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
                SelfLog($"Flume appender: delivery loop failed ({e.GetType().Name}: {e.Message}); restarting it");
                if (_batch.Count > 0)
                {
                    Drop(_batch.Count, "the delivery loop failed while holding them");
                    Settle(_batch.Count);
                    _batch.Clear();
                }

                if (Stopping)
                {
                    DropRemaining("the delivery loop failed during shutdown");
                    return;
                }

                try
                {
                    await Task.Delay(FirstRetryDelay, _time, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Dispose started; the next round of the loop drains for shutdown.
                }
            }
        }
    }

    private void OpenBuffer()
    {
        if (_bufferPath is null)
        {
            return;
        }

        var options = new FileChannelOptions
        {
            CheckpointDir = Path.Combine(_bufferPath, "checkpoint"),
            Capacity = _bufferSizeLimit,
            TransactionCapacity = Math.Min(_bufferSizeLimit, Math.Max(_batchSize, 1000)),
            // A full buffer must refuse at once: the loop then counts the drop instead of stalling delivery.
            KeepAlive = TimeSpan.Zero,
            // An application host's disk is smaller than a relay's; Flume's 500 MB reserve would refuse most buffers.
            MinimumRequiredSpace = 16L * 1024 * 1024,
        };
        options.DataDirs.Add(Path.Combine(_bufferPath, "data"));
        try
        {
            _disk = FileEventQueue.Open("appender-buffer", options, _time);
            if (_disk.Count > 0)
            {
                SelfLog($"Flume appender: {_disk.Count} events wait in the disk buffer at {_bufferPath}; they are sent first");
            }
        }
        catch (Exception e) when (e is FileChannelException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            SelfLog($"Flume appender: cannot open the disk buffer at {_bufferPath} ({e.Message}); delivering from memory only");
        }
    }

    private async Task DeliverAsync()
    {
        while (true)
        {
            if (_disk is { Count: > 0 } disk)
            {
                await SpillMemoryAsync(disk).ConfigureAwait(false);

                // While disposing, a reachable relay still gets the buffer, oldest first, until the shutdown deadline:
                // a short second run must drain what the first one left. A relay known to be down is not waited for.
                var drained = !(Stopping && _down)
                    && await DrainDiskAsync(disk, Stopping ? _deadline.Token : _stop.Token).ConfigureAwait(false);
                if (drained || (Stopping && !_down && !_deadline.IsCancellationRequested))
                {
                    continue;
                }

                // Disposing: what is queued now joins the buffer behind older events, for the next run.
                await SpillMemoryAsync(disk).ConfigureAwait(false);
                return;
            }

            if (_batch.Count == 0 && !await NextBatchAsync().ConfigureAwait(false))
            {
                return;
            }

            if (_batch.Count == 0)
            {
                continue;
            }

            if (_disk is { } buffer)
            {
                // Disposing while the relays are down: buffer at once instead of waiting out a connect timeout.
                var skip = Stopping && _down;
                if (skip || !await SendOnceAsync(_batch, Stopping ? _deadline.Token : CancellationToken.None).ConfigureAwait(false))
                {
                    await PutOnDiskAsync(buffer, _batch).ConfigureAwait(false);
                }
                else
                {
                    Sent(_batch.Count, fromMemory: true);
                }

                _batch.Clear();
                continue;
            }

            var sending = SendWithRetryAsync(_batch);
            BuildNextWhile(sending);
            if (await sending.ConfigureAwait(false))
            {
                Sent(_batch.Count, fromMemory: true);
            }
            else
            {
                var lost = _batch.Count + _next.Count;
                Drop(lost, $"the relays stayed unreachable until the ShutdownTimeout {_shutdownTimeout}");
                Settle(lost);
                _next.Clear();
                DropRemaining($"the relays stayed unreachable until the ShutdownTimeout {_shutdownTimeout}");
            }

            _batch.Clear();
            (_batch, _next) = (_next, _batch);
            if (_batch.Count is > 0 and var built && built < _batchSize)
            {
                TakeFromMemory(_batch, _batchSize - built);
            }
        }
    }

    /// <summary>
    /// While a batch is on the wire, builds the next one from what is already queued, so building events (the
    /// work log calls hand over) overlaps the wait for the relay's answer instead of adding to it.
    /// </summary>
    private void BuildNextWhile(Task sending)
    {
        // One take for the whole batch: each take wakes the log calls blocked on a full queue.
        if (!sending.IsCompleted)
        {
            TakeFromMemory(_next, _batchSize - _next.Count);
        }
    }

    /// <summary>
    /// Fills <see cref="_batch"/>: waits for a first event (the only wait a log call ends, once per idle spell), then
    /// up to the flush interval for the batch to fill, looking every <see cref="LingerPoll"/> while events come and
    /// less often while none do. Flush and dispose wake it early. False once disposal has begun and the queue is empty.
    /// </summary>
    private async Task<bool> NextBatchAsync()
    {
        while (_queue.IsEmpty)
        {
            if (Stopping)
            {
                return false;
            }

            // Announce the sleep, then look again: a call that enqueued before seeing the flag is found here, one after
            // it wakes the loop.
            var wake = Volatile.Read(ref _wake).Task;
            Interlocked.Exchange(ref _loopIdle, 1);
            if (_queue.IsEmpty && !Stopping)
            {
                await wake.ConfigureAwait(false);
            }

            Volatile.Write(ref _loopIdle, 0);
        }

        TakeFromMemory(_batch, _batchSize - _batch.Count);
        var started = _time.GetTimestamp();
        var pollEvery = LingerPoll;
        while (_batch.Count < _batchSize && !FlushPending && !Stopping)
        {
            var remaining = _flushInterval - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            var wake = Volatile.Read(ref _wake).Task;
            if (FlushPending || Stopping)
            {
                break;
            }

            using (var poll = new CancellationTokenSource())
            {
                await Task.WhenAny(Task.Delay(remaining < pollEvery ? remaining : pollEvery, _time, poll.Token), wake).ConfigureAwait(false);
                await poll.CancelAsync().ConfigureAwait(false);
            }

            // Nothing new: look half as often, down to ten times per flush interval, so a trickle of events does not
            // keep the loop waking every millisecond.
            var before = _batch.Count;
            TakeFromMemory(_batch, _batchSize - _batch.Count);
            pollEvery = _batch.Count > before ? LingerPoll : TimeSpan.FromTicks(Math.Min(pollEvery.Ticks * 2, Math.Max(LingerPoll.Ticks, _flushInterval.Ticks / 10)));
        }

        return true;
    }

    private async Task<bool> SendWithRetryAsync(List<FlumeEvent> batch)
    {
        try
        {
            await _retry.ExecuteAsync(
                static async (state, token) => await state.self.AttemptAsync(state.batch, token).ConfigureAwait(false),
                (self: this, batch),
                _deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    private async Task<bool> SendOnceAsync(List<FlumeEvent> batch, CancellationToken cancellationToken)
    {
        try
        {
            await AttemptAsync(batch, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    private async ValueTask AttemptAsync(List<FlumeEvent> batch, CancellationToken cancellationToken)
    {
        try
        {
            await _client.AppendBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Our own stop interrupted the attempt: that says nothing about the relay, so it must not mark it down
            // (which would make shutdown skip draining a reachable relay).
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _batchesFailed);
            MarkDown(e);
            throw;
        }

        MarkUp();
    }

    /// <summary>
    /// Sends the disk buffer head first, batch by batch, retrying with backoff, until it is empty (true) or
    /// <paramref name="cancellationToken"/> fires (false).
    /// </summary>
    private async Task<bool> DrainDiskAsync(FileEventQueue disk, CancellationToken cancellationToken)
    {
        var batch = new List<FlumeEvent>(_batchSize);
        while (disk.Count > 0)
        {
            try
            {
                await _retry.ExecuteAsync(
                    static async (state, token) => await state.self.AttemptFromDiskAsync(state.disk, state.batch, token).ConfigureAwait(false),
                    (self: this, disk, batch),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                SelfLog($"Flume appender: the disk buffer at {_bufferPath} failed ({e.Message}); retrying");
            }
        }

        return true;
    }

    private async ValueTask AttemptFromDiskAsync(FileEventQueue disk, List<FlumeEvent> batch, CancellationToken cancellationToken)
    {
        // Between attempts the memory queue keeps filling; moving it to disk keeps order and makes room for log calls.
        await SpillMemoryAsync(disk).ConfigureAwait(false);
        batch.Clear();
        using var transaction = disk.BeginTransaction();
        while (batch.Count < _batchSize && transaction.Take() is { } flumeEvent)
        {
            batch.Add(flumeEvent);
        }

        if (batch.Count == 0)
        {
            return;
        }

        await AttemptAsync(batch, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        Sent(batch.Count, fromMemory: false);
    }

    private async ValueTask SpillMemoryAsync(FileEventQueue disk)
    {
        var chunk = new List<FlumeEvent>();
        while (TakeFromMemory(chunk, 1000) > 0)
        {
            await PutOnDiskAsync(disk, chunk).ConfigureAwait(false);
            chunk.Clear();
        }
    }

    private async ValueTask PutOnDiskAsync(FileEventQueue disk, List<FlumeEvent> events)
    {
        try
        {
            using var transaction = disk.BeginTransaction();
            foreach (var flumeEvent in events)
            {
                transaction.Put(flumeEvent);
            }

            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            Interlocked.Add(ref _buffered, events.Count);
        }
        catch (Exception e) when (e is FileChannelException or IOException or UnauthorizedAccessException)
        {
            Drop(events.Count, $"the disk buffer at {_bufferPath} refused them: {e.Message}");
        }

        Settle(events.Count);
    }

    private void Sent(int count, bool fromMemory)
    {
        Interlocked.Add(ref _sent, count);
        if (fromMemory)
        {
            Settle(count);
        }
    }

    private void DropRemaining(string reason)
    {
        var rest = new List<FlumeEvent>();
        while (TakeFromMemory(rest, int.MaxValue) > 0)
        {
            Drop(rest.Count, reason);
            Settle(rest.Count);
            rest.Clear();
        }
    }

    private void MarkDown(Exception e)
    {
        if (!_down)
        {
            _down = true;
            var then = _disk is null ? "retrying" : "buffering to disk and retrying";
            SelfLog($"Flume appender: cannot deliver to {_hosts} ({e.Message}); {then} with backoff up to {_maxBackoff}");
        }
    }

    private void MarkUp()
    {
        if (_down)
        {
            _down = false;
            SelfLog($"Flume appender: delivery to {_hosts} resumed");
        }
    }

    /// <summary>
    /// A queued event, or a queued record whose event <see cref="Events"/> builds on the background loop, with the
    /// size counted against the byte limit when it was queued.
    /// </summary>
    private readonly record struct QueuedEvent(FlumeEvent? Event, FlumeLogRecord Record, FlumeEventFactory? Events, int Size);
}
