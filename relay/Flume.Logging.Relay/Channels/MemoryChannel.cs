using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Collections;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Relay.Support;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Channels;

/// <summary>
/// Flume's <c>memory</c> channel: a bounded in-process queue. Fast, and everything in it is lost when the process
/// dies; what is still in it at a clean stop is reported, never dropped silently.
/// </summary>
/// <remarks>
/// Capacity counts events taken but not yet committed, as in Flume, so a sink's rollback always has room to put
/// its events back. Bodies are accounted in 100-byte slots, as in Flume.
/// </remarks>
internal sealed partial class MemoryChannel : IReconfigurableChannel, ITransactionCapacitySupported, IMonitoredComponent
{
    // Replaced whole by a reload (under the lock); read without it where a transaction only needs a consistent limit.
    private volatile MemoryChannelOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Deque<FlumeEvent> _queue;
    private readonly AsyncSignal _eventsAvailable = new();
    private readonly AsyncSignal _spaceAvailable = new();
    private readonly AsyncSignal _batchAvailable = new();
    private readonly int _byteSlotSize;
    private long _byteSlotCapacity;
    // Put and take lists of ended transactions, reused by the next ones: a new pair per transaction was about 2 KB,
    // 20-40 bytes per event at batches of 100.
    private readonly ListPool<FlumeEvent> _lists;
    private int _occupied;
    private long _byteSlotsUsed;

    public MemoryChannel(string name, MemoryChannelOptions options, TimeProvider timeProvider, ILogger<MemoryChannel> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Name = name;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _queue = new Deque<FlumeEvent>(Math.Min(options.Capacity, 1024));

        // As many free lists as a busy agent has concurrent source connections and sinks; each sized up front for a
        // typical batch, since growing by doubling cost more than twice those bytes per transaction.
        _lists = new ListPool<FlumeEvent>(retained: 64, initialCapacity: Math.Min(options.TransactionCapacity, 128));
        _byteSlotSize = options.ByteSlotSize;
        _byteSlotCapacity = ByteSlotCapacity(options);
        Counter = new ChannelCounter(name, options.Capacity, timeProvider);
    }

    public string Name { get; }

    /// <summary>Events committed and not yet taken for good (includes takes not yet committed).</summary>
    public int Size
    {
        get
        {
            lock (_lock)
            {
                return _occupied;
            }
        }
    }

    public int Capacity => _options.Capacity;

    public int TransactionCapacity => _options.TransactionCapacity;

    /// <summary>Flume's channel counters of this channel.</summary>
    public ChannelCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Counter.Start();
        LogStarted(Name, _options.Capacity, _options.TransactionCapacity);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        int left;
        lock (_lock)
        {
            left = _occupied;
        }

        if (left > 0)
        {
            LogStoppedWithEvents(Name, left);
        }

        Counter.Stop();
        return Task.CompletedTask;
    }

    /// <summary>
    /// New <c>capacity</c>, <c>transactionCapacity</c>, <c>byteCapacity</c>, <c>byteCapacityBufferPercentage</c> and
    /// <c>keep-alive</c> for the running channel, as Flume's reload reconfigures its memory channel: the events held
    /// stay. A capacity below what the channel holds refuses puts until the sinks have taken it below the new limit.
    /// </summary>
    public ChannelReconfiguration Prepare(ComponentContext properties)
    {
        var options = MemoryChannelOptions.From(properties);
        return new ChannelReconfiguration(options.TransactionCapacity, () => Reconfigure(options));
    }

    /// <summary>Every memory channel setting can change while it runs.</summary>
    public bool CanReconfigure(ComponentContext before, ComponentContext after) => true;

    /// <summary>Puts <paramref name="options"/> in effect, keeping the events held (also the spillable channel's memory part).</summary>
    internal void Reconfigure(MemoryChannelOptions options)
    {
        int held;
        ManualResetEventSlim? space;
        ManualResetEventSlim? batch;
        lock (_lock)
        {
            _options = options;
            _byteSlotCapacity = ByteSlotCapacity(options);
            held = _occupied;

            // More room may let a waiting commit in; a smaller transaction capacity may make what is queued a batch.
            space = _spaceAvailable.Pulse();
            batch = _queue.Count >= options.TransactionCapacity ? _batchAvailable.Pulse() : null;
        }

        space?.Set();
        batch?.Set();
        Counter.ChannelCapacity = options.Capacity;
        LogReconfigured(Name, options.Capacity, options.TransactionCapacity, held);
    }

    private long ByteSlotCapacity(MemoryChannelOptions options) =>
        Math.Max(1, options.EffectiveByteCapacity * (100 - options.ByteCapacityBufferPercentage) / 100 / _byteSlotSize);

    public IChannelTransaction BeginTransaction() => new Transaction(this, _options.KeepAlive);

    /// <summary>
    /// Begins a transaction whose commit waits <paramref name="keepAlive"/> for room instead of the configured
    /// keep-alive: the spillable memory channel waits for memory only until overflow is active.
    /// </summary>
    internal IChannelTransaction BeginTransaction(TimeSpan keepAlive) => new Transaction(this, keepAlive);

    public ValueTask WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForQueuedAsync(1, _eventsAvailable, timeout, _timeProvider, cancellationToken);

    public ValueTask LingerAsync(TimeSpan linger, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        WaitForQueuedAsync(_options.TransactionCapacity, _batchAvailable, linger, timeProvider, cancellationToken);

    public void WaitForEvents(TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForQueued(1, _eventsAvailable, timeout, _timeProvider, cancellationToken);

    public void Linger(TimeSpan linger, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        WaitForQueued(_options.TransactionCapacity, _batchAvailable, linger, timeProvider, cancellationToken);

    /// <summary>Blocks as <see cref="WaitForQueuedAsync"/> waits.</summary>
    private void WaitForQueued(int count, AsyncSignal signal, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ManualResetEventSlim woken;
        lock (_lock)
        {
            if (_queue.Count >= count)
            {
                return;
            }

            woken = signal.BlockingHandle;
        }

        if (timeProvider == TimeProvider.System)
        {
            // The kernel's wait keeps the time: no timer, so no timer thread woken to arm and to fire one per wait.
            woken.Wait(timeout, cancellationToken);
            return;
        }

        // Any other clock keeps its own time (a test's manual clock): its timer ends the wait. It cancels the wait
        // rather than setting the handle, which later waits share until the next pulse.
        using var timedOut = new CancellationTokenSource(timeout, timeProvider);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timedOut.Token);
        try
        {
            woken.Wait(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: the caller looks at the channel either way.
        }
    }

    /// <summary>
    /// Completes once the queue holds <paramref name="count"/> events (<paramref name="signal"/> is pulsed when it may),
    /// or when <paramref name="timeout"/> passes; the caller looks at the channel either way.
    /// </summary>
    private async ValueTask WaitForQueuedAsync(
        int count, AsyncSignal signal, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        Task wait;
        lock (_lock)
        {
            if (_queue.Count >= count)
            {
                return;
            }

            wait = signal.WaitTask;
        }

        try
        {
            // WaitAsync drops its timer when the signal comes first, so an early end leaves no timer to fire later.
            await wait.WaitAsync(timeout, timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Not enough arrived in time: the caller takes what there is, or polls again.
        }
    }

    private long SlotsFor(FlumeEvent flumeEvent) =>
        Math.Max(1, (flumeEvent.Body.Length + _byteSlotSize - 1) / _byteSlotSize);

    private FlumeEvent? TakeOne()
    {
        lock (_lock)
        {
            return _queue.Count == 0 ? null : _queue.RemoveFirst();
        }
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> events from the head to <paramref name="into"/> and to the transaction's take
    /// list (rented if it has none yet and something is taken), all under one lock.
    /// </summary>
    private int TakeMany(IList<FlumeEvent> into, ref List<FlumeEvent>? takes, int max, out long slots)
    {
        slots = 0;
        lock (_lock)
        {
            var count = Math.Min(max, _queue.Count);
            if (count > 0 && takes is null)
            {
                takes = _lists.Rent();
            }

            for (var i = 0; i < count; i++)
            {
                var taken = _queue.RemoveFirst();
                takes!.Add(taken);
                into.Add(taken);
                slots += SlotsFor(taken);
            }

            return count;
        }
    }

    private async ValueTask CommitAsync(
        List<FlumeEvent>? puts, List<FlumeEvent>? takes, long putSlots, long takeSlots, TimeSpan keepAlive, CancellationToken cancellationToken)
    {
        var netEvents = (puts?.Count ?? 0) - (takes?.Count ?? 0);
        if (putSlots > _byteSlotCapacity)
        {
            // Waiting cannot help: even an empty channel has no room for these bodies. Not a full channel, so a source
            // that can retry the events one by one does.
            throw new ChannelException(
                $"channel {Name}: the {puts!.Count} events put take {putSlots * _byteSlotSize} bytes of byteCapacity, more than the channel's " +
                $"whole byte capacity of {_byteSlotCapacity * _byteSlotSize} bytes, so they can never be stored; raise byteCapacity");
        }

        var deadline = _timeProvider.GetTimestamp() + (long)(keepAlive.TotalSeconds * _timeProvider.TimestampFrequency);
        Blocked blocked;
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                var eventsFit = netEvents <= 0 || _occupied + netEvents <= _options.Capacity;
                var bytesFit = putSlots == 0 || _byteSlotsUsed + putSlots <= _byteSlotCapacity;
                if (eventsFit && bytesFit)
                {
                    blocked = Apply(puts, takes, putSlots, takeSlots);
                    break;
                }

                var remaining = _timeProvider.GetElapsedTime(_timeProvider.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero)
                {
                    throw eventsFit
                        ? new ChannelException(
                            $"channel {Name}: byte capacity of {_byteSlotCapacity * _byteSlotSize} bytes of event bodies reached; " +
                            "sinks are likely not keeping up with sources, or byteCapacity is too small")
                        : new ChannelFullException(
                            $"channel {Name}: no space for {netEvents} more events (capacity {_options.Capacity}) within keep-alive " +
                            $"{keepAlive.TotalSeconds:0.###} s; sinks are likely not keeping up with sources, or capacity is too small");
                }

                wait = _spaceAvailable.WaitTask.WaitAsync(remaining, _timeProvider, cancellationToken);
            }

            try
            {
                await wait;
            }
            catch (TimeoutException)
            {
                // Loop once more: the check under the lock decides, and reports the failure.
            }
        }

        blocked.Wake();
    }

    /// <summary>Applies a commit under the lock; returns the sink threads to wake once it is released.</summary>
    private Blocked Apply(List<FlumeEvent>? puts, List<FlumeEvent>? takes, long putSlots, long takeSlots)
    {
        var putCount = puts?.Count ?? 0;
        var takeCount = takes?.Count ?? 0;

        // Events whose bodies are borrowed from a source's request buffer keep it until their take commits, when the
        // sink is done with them (ChannelProcessor.KeepsBorrowedBodies). Retained before anything changes, so a buffer
        // already given back fails the commit and leaves the channel as it was.
        if (putCount > 0)
        {
            EventBuffer.Adjust(puts!, +1);
        }

        for (var i = 0; i < putCount; i++)
        {
            _queue.AddLast(puts![i]);
        }

        if (takeCount > 0)
        {
            EventBuffer.Adjust(takes!, -1);
        }

        _occupied += putCount - takeCount;
        Counter.SetChannelSize(_occupied);
        _byteSlotsUsed += putSlots - takeSlots;
        var blocked = default(Blocked);
        if (putCount > 0)
        {
            blocked = new Blocked(
                _eventsAvailable.Pulse(),
                _queue.Count >= _options.TransactionCapacity ? _batchAvailable.Pulse() : null);
        }

        if (takeCount > 0)
        {
            // Only commits wait for space, and they await.
            _spaceAvailable.Pulse()?.Set();
        }

        _lists.Return(puts);
        _lists.Return(takes);
        return blocked;
    }

    /// <summary>Puts the taken events back at the head, in order, and recycles both lists.</summary>
    private void EndWithoutCommit(List<FlumeEvent>? puts, List<FlumeEvent>? takes)
    {
        if (puts is null && takes is null)
        {
            return;
        }

        ManualResetEventSlim? blocked = null;
        lock (_lock)
        {
            if (takes is { Count: > 0 })
            {
                for (var i = takes.Count - 1; i >= 0; i--)
                {
                    _queue.AddFirst(takes[i]);
                }

                blocked = _eventsAvailable.Pulse();
            }

            _lists.Return(puts);
            _lists.Return(takes);
        }

        blocked?.Set();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "channel {Channel} started (memory, capacity {Capacity}, transactionCapacity {TransactionCapacity})")]
    private partial void LogStarted(string channel, int capacity, int transactionCapacity);

    [LoggerMessage(Level = LogLevel.Information, Message = "channel {Channel} reconfigured in place (memory, capacity {Capacity}, transactionCapacity {TransactionCapacity}), keeping the {Count} events it holds")]
    private partial void LogReconfigured(string channel, int capacity, int transactionCapacity, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel {Channel} stopped holding {Count} events; a memory channel does not keep them across restarts")]
    private partial void LogStoppedWithEvents(string channel, int count);

    /// <summary>The handles of sink threads blocked for events and for a batch, set after the lock is released.</summary>
    private readonly record struct Blocked(ManualResetEventSlim? Events, ManualResetEventSlim? Batch)
    {
        public void Wake()
        {
            Events?.Set();
            Batch?.Set();
        }
    }

    private sealed class Transaction(MemoryChannel channel, TimeSpan keepAlive) : IChannelTransaction
    {
        // Rented from the channel on first use (a source's transaction never takes, a sink's never puts) and given
        // back when the transaction ends; null from then on.
        private List<FlumeEvent>? _puts;
        private List<FlumeEvent>? _takes;
        private long _putSlots;
        private long _takeSlots;
        private int _putAttempts;
        private int _takeAttempts;
        private bool _ended;

        public void Put(FlumeEvent flumeEvent)
        {
            ArgumentNullException.ThrowIfNull(flumeEvent);
            EnsureOpen();
            _putAttempts++;
            var puts = _puts ??= channel._lists.Rent();
            TransactionLists.EnsureRoom(channel.Name, "put", puts.Count, channel._options.TransactionCapacity);

            puts.Add(flumeEvent);
            _putSlots += channel.SlotsFor(flumeEvent);
        }

        public FlumeEvent? Take()
        {
            EnsureOpen();
            _takeAttempts++;
            TransactionLists.EnsureRoom(channel.Name, "take", _takes?.Count ?? 0, channel._options.TransactionCapacity);

            var taken = channel.TakeOne();
            if (taken is not null)
            {
                (_takes ??= channel._lists.Rent()).Add(taken);
                _takeSlots += channel.SlotsFor(taken);
            }

            return taken;
        }

        public int TakeBatch(IList<FlumeEvent> into, int max)
        {
            ArgumentNullException.ThrowIfNull(into);
            EnsureOpen();
            var room = channel._options.TransactionCapacity - (_takes?.Count ?? 0);
            var taken = channel.TakeMany(into, ref _takes, Math.Min(max, room), out var slots);
            _takeSlots += slots;

            // Counted as the calls of Take it stands for: one per event, and the one that found the channel empty.
            _takeAttempts += taken;
            if (taken < max)
            {
                _takeAttempts++;
                if (taken == room)
                {
                    // As Take would when asked for one more than the transaction can hold.
                    TransactionLists.EnsureRoom(channel.Name, "take", _takes?.Count ?? 0, channel._options.TransactionCapacity);
                }
            }

            return taken;
        }

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            EnsureOpen();
            var putCount = _puts?.Count ?? 0;
            var takeCount = _takes?.Count ?? 0;
            await channel.CommitAsync(_puts, _takes, _putSlots, _takeSlots, keepAlive, cancellationToken);

            // The channel recycled both lists.
            _puts = null;
            _takes = null;
            _ended = true;
            channel.Counter.AddTransaction(_putAttempts, _takeAttempts, putCount, takeCount);
        }

        public void Rollback()
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            channel.Counter.AddTransaction(_putAttempts, _takeAttempts, 0, 0);
            channel.EndWithoutCommit(_puts, _takes);
            _puts = null;
            _takes = null;
        }

        public void Dispose() => Rollback();

        private void EnsureOpen()
        {
            if (_ended)
            {
                throw new InvalidOperationException($"channel {channel.Name}: the transaction has already ended");
            }
        }
    }
}
