using Flume.Logging.Appenders.Delivery;
using Flume.Logging.Appenders.Diagnostics;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;

namespace Flume.Logging.Appenders;

/// <summary>
/// The delivery core of one appender. A log call hands a record (or a ready event) to <c>TryEnqueue</c>, which encodes
/// it (<see cref="EventPacker"/>), puts it in the bounded memory queue (<see cref="RecordQueue"/>, overflow by
/// <see cref="Admission"/>) and returns; one background loop batches the events, sends them with the RPC client and, when the relays fail, waits as
/// long as the client's host backoff says (the one retry schedule). With <see cref="FlumeAppenderOptions.BufferPath"/>,
/// events that cannot be sent go to a <see cref="DiskBuffer"/>, drained first, in order, once a relay answers. Nothing
/// here throws into the application because of delivery: losses are counted (<see cref="DropReporter"/>), reported to
/// the front end's self-log and published as metrics.
/// </summary>
internal sealed partial class FlumeDelivery : IAsyncDisposable
{
    /// <summary>How long dispose waits past the shutdown timeout for the loop to write what is left to the disk buffer or count it.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(1);

    /// <summary>How often a flush that gives way to dead relays looks whether they are down.</summary>
    private static readonly TimeSpan RelaysDownPoll = TimeSpan.FromMilliseconds(50);

    private readonly RecordQueue _queue;
    private readonly Admission _admission;
    private readonly DeliveryCounters _counters = new();
    private readonly DeliveryProgress _progress = new();
    private readonly DropReporter _drops;
    private readonly SelfLog _selfLog;
    private readonly IRpcClient _client;
    private readonly TimeProvider _time;
    private readonly AppenderMeter.Source _meterSource;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _deadline;
    private readonly string _hosts;
    private readonly int _batchSize;
    private readonly TimeSpan _flushInterval;
    private readonly TimeSpan _shutdownTimeout;
    private TimedOutFlush? _slowFlush;
    private readonly TimeSpan _maxBackoff;
    private readonly string? _bufferPath;
    private readonly int _bufferSizeLimit;
    private readonly Task _loop;
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
        _selfLog = new SelfLog(context.SelfLog);
        _hosts = options.Hosts.Trim();
        _batchSize = options.BatchSize;
        _flushInterval = options.FlushInterval;
        _shutdownTimeout = options.ShutdownTimeout;
        _maxBackoff = options.MaxBackoff;
        _bufferPath = options.BufferPath;
        _bufferSizeLimit = options.BufferSizeLimit;
        _deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        _drops = new DropReporter(_counters, _selfLog, context.DropListener, _time);
        _queue = new RecordQueue(options.QueueLimit, options.QueueByteLimit);
        _admission = new Admission(_queue, options.Overflow, options.BlockTimeout, _counters, _progress, _drops, () => RelaysDown);
        _batch = new EventBatch(_batchSize, _drops.WantsSources);
        _next = new EventBatch(_batchSize, _drops.WantsSources);
        var rpcOptions = options.ToRpcClientOptions();
        _client = context.ClientFactory is { } clientFactory ? clientFactory(rpcOptions) : RpcClients.Create(rpcOptions, null, _time);
        _meterSource = new AppenderMeter.Source(context.Kind, context.Name ?? context.Kind, _counters, () => _queue.Count, () => _disk?.Count ?? 0);
        AppenderMeter.Register(_meterSource);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Events accepted into the memory queue.</summary>
    public long EventsEnqueued => _counters.Enqueued;

    /// <summary>Events a relay acknowledged (from memory or from the disk buffer).</summary>
    public long EventsSent => _counters.Sent;

    /// <summary>Events lost: refused by overflow, refused after dispose, unsendable at the shutdown deadline, or refused by a full disk buffer.</summary>
    public long EventsDropped => _counters.Dropped;

    /// <summary>Events written to the disk buffer (cumulative); they are sent, and counted in <see cref="EventsSent"/>, when a relay is back.</summary>
    public long EventsBuffered => _counters.Buffered;

    /// <summary>Send attempts that failed (each retried, buffered or, at the shutdown deadline, dropped).</summary>
    public long BatchesFailed => _counters.BatchesFailed;

    /// <summary>True from a failed send until the next successful one: every relay is failing or backed off.</summary>
    public bool RelaysDown => Volatile.Read(ref _down);

    private bool Stopping => Volatile.Read(ref _closed) != 0;

    /// <summary>
    /// Queues <paramref name="flumeEvent"/> for delivery. Returns false, counting and reporting a drop, when the
    /// queue is full (see <see cref="OverflowMode"/>) or after dispose. Never does I/O, never throws.
    /// </summary>
    public bool TryEnqueue(FlumeEvent flumeEvent)
    {
        if (flumeEvent is null)
        {
            return false;
        }

        try
        {
            return Enqueue(QueuedRecord.Of(flumeEvent));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A log call must never fail because of delivery; the event is counted as lost instead.
            _drops.Drop($"unexpected error: {e.Message}");
            return false;
        }
    }

    /// <summary>
    /// Queues one log call and returns, its event encoded now with <paramref name="events"/> (so the record's lists
    /// and values may be reused once this returns). Returns false, counting and reporting a drop, as
    /// <see cref="TryEnqueue(FlumeEvent)"/> does, also when a property or the exception cannot be turned into text.
    /// </summary>
    public bool TryEnqueue(in FlumeLogRecord record, FlumeEventFactory events)
    {
        ArgumentNullException.ThrowIfNull(events);

        // A full queue under DropNewest would refuse the event: count it without encoding it.
        if (_admission.DropIfFull(record.Source))
        {
            return false;
        }

        try
        {
            return Enqueue(QueuedRecord.Of(record, events));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A property or exception whose ToString throws: this one call is lost, and counted.
            _drops.Drop($"its event could not be built: {e.Message}");
            return false;
        }
    }

    /// <summary>
    /// For a front end about to render a log call: when the queue is full under <see cref="OverflowMode.DropNewest"/>
    /// (a dead relay's steady state), counts the call as dropped, handing <paramref name="source"/> to the drop
    /// listener, and returns true, so the call skips building a record that would be refused anyway. False otherwise:
    /// the front end queues as usual.
    /// </summary>
    public bool DropIfFull(object? source = null) => _admission.DropIfFull(source);

    /// <summary>
    /// Counts and reports one log call the front end could not even turn into a record (its message or a property
    /// threw while rendering), so every loss shows in the drop count.
    /// </summary>
    public void DropUnqueued(string reason) => _drops.Drop(reason);

    /// <summary>
    /// Sends what was queued before the call without waiting for batches to fill, and completes with true once all
    /// of it is sent (or moved to the disk buffer, or dropped), or false when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var target = _counters.Enqueued;
        _progress.RequestFlush(target);
        _queue.Ring();
        var started = _time.GetTimestamp();
        while (true)
        {
            var changed = _progress.Changed;
            if (_progress.Settled >= target)
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
                await changed.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return _progress.Settled >= target;
            }
        }
    }

    /// <summary>
    /// A flush for a framework's shutdown path, which a close follows: like <see cref="FlushAsync"/>, but it ends as
    /// soon as every relay is known to be down, leaving the events queued (nothing is dropped), so that the shutdown
    /// does not wait its timeout twice, once here and once in the close. When it times out instead (a relay too slow),
    /// a close that follows within a second counts its shutdown timeout from this flush's start, for the same reason.
    /// </summary>
    public async Task<FlushOutcome> FlushWhileReachableAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        var flushing = FlushAsync(timeout, cancellationToken);
        while (!flushing.IsCompleted && !RelaysDown)
        {
            await Task.WhenAny(flushing, Task.Delay(RelaysDownPoll, _time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (!flushing.IsCompleted)
        {
            return FlushOutcome.RelaysDown;
        }

        if (await flushing.ConfigureAwait(false))
        {
            return FlushOutcome.Done;
        }

        Volatile.Write(ref _slowFlush, new TimedOutFlush(started, _time.GetTimestamp()));
        return FlushOutcome.TimedOut;
    }

    /// <summary>
    /// Stops accepting events and delivers what is queued within the shutdown timeout. With a disk buffer, what cannot
    /// be sent in time (the relays are down, or older events wait on disk) is written to the buffer instead; without
    /// one, sending is retried while the relays' backoff ends before the deadline, and what is left is dropped and
    /// reported. The loop owns the client and the buffer and closes them itself once it has stopped, so nothing is
    /// disposed under it even when a send ignores cancellation. Runs by itself at process exit if nothing called it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _drops.Closing();
        var now = _time.GetTimestamp();

        // A shutdown flush that just timed out on a slow relay was this shutdown's first part (NLog's Shutdown and a
        // generic host's stop flush before they close): the timeout counts from its start, so the app waits it once.
        _shutdownStarted = Volatile.Read(ref _slowFlush) is { } flush && _time.GetElapsedTime(flush.Ended, now) <= ShutdownGrace ? flush.Started : now;
        var left = _shutdownTimeout - _time.GetElapsedTime(_shutdownStarted, now);
        left = left > TimeSpan.Zero ? left : TimeSpan.Zero;
        _admission.Close();
        if (left > TimeSpan.Zero)
        {
            _deadline.CancelAfter(left);
        }
        else
        {
            // Now, not through a timer: an injected clock fires a zero-length timer only when it moves.
            await _deadline.CancelAsync().ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _queue.Ring();
        try
        {
            await _loop.WaitAsync(left + ShutdownGrace, _time).ConfigureAwait(false);
            _stop.Dispose();
            _deadline.Dispose();
        }
        catch (TimeoutException)
        {
            _selfLog.Write($"Flume appender: delivery did not stop within ShutdownTimeout {_shutdownTimeout}; {_queue.Count} queued events are lost");
        }

        _drops.ReportNow();
        AppenderMeter.Unregister(_meterSource);
    }

    /// <summary>
    /// An appender its framework did not close before the process exits (Serilog without CloseAndFlush, a generic host
    /// stopped but not disposed) still delivers what is queued, within ShutdownTimeout, and reports its losses, as NLog
    /// and log4net close theirs at exit. Runs on the exiting thread, which waits for it at most ShutdownTimeout (and
    /// the grace) of wall-clock time, whatever clock the appender was given.
    /// </summary>
    private void OnProcessExit(object? sender, EventArgs e) => DisposeAsync().AsTask().Wait(_shutdownTimeout + ShutdownGrace);

    private bool Enqueue(in QueuedRecord entry)
    {
        var accepted = _admission.Admit(entry);
        if (accepted && Stopping && _loop.IsCompleted)
        {
            // Disposal raced this call and the loop has already ended: count what it left, this entry included.
            DropQueued("the appender is closed");
        }

        return accepted;
    }

    /// <summary>When the last shutdown flush that timed out started and ended (monotonic timestamps).</summary>
    private sealed record TimedOutFlush(long Started, long Ended);
}
