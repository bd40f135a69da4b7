using System.Collections.Frozen;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Channels;

/// <summary>
/// Flume's <c>SPILLABLEMEMORY</c> channel: a <see cref="MemoryChannel"/> as the primary store and a
/// <see cref="DurableFileChannel"/> as overflow. A put transaction lands whole in memory when memory has room
/// (waiting up to <c>overflowTimeout</c> while overflow is inactive), otherwise whole in the file channel. Takes
/// follow the order in which transactions were committed, across both stores, as Flume's drain order does.
/// </summary>
/// <remarks>
/// As in Flume: a transaction either puts or takes, never both; only what overflowed survives a crash or restart,
/// and at start those events drain before anything new; once overflow is active, puts try memory without waiting
/// until <c>overflowDeactivationThreshold</c> percent of memory is free again. A reload that changes only the memory
/// settings reconfigures the running channel, keeping the events in memory, as Flume's reload does.
/// </remarks>
internal sealed partial class SpillableMemoryChannel : IReconfigurableChannel, ITransactionCapacitySupported, IMonitoredComponent, IAsyncDisposable
{
    public const string FlumeClass = "org.apache.flume.channel.SpillableMemoryChannel";

    // What a running channel takes on: the memory queue's limits and the overflow policy. Any other change (the
    // overflow's file channel settings, the transaction capacity both parts share, the byte slot size, memory or
    // overflow turned on or off) replaces the channel.
    private static readonly FrozenSet<string> InPlaceKeys = FrozenSet.Create(
        StringComparer.Ordinal, "memoryCapacity", "overflowTimeout", "overflowDeactivationThreshold", "byteCapacity", "byteCapacityBufferPercentage");

    private readonly ILogger _logger;
    private readonly MemoryChannel? _memory;
    private readonly DurableFileChannel? _overflow;
    private readonly Lock _lock = new();
    private SpillableMemoryChannelOptions _options;

    // Runs of committed events in commit order: positive counts are in memory, negative ones in overflow.
    private readonly LinkedList<int> _drainOrder = new();
    private bool _overflowActive;
    private int _stopped;

    public SpillableMemoryChannel(string name, SpillableMemoryChannelOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        Name = name;
        _options = options;
        _logger = loggerFactory.CreateLogger<SpillableMemoryChannel>();
        if (options.MemoryCapacity > 0)
        {
            // The memory part's own start and stop lines would read as a second, plain memory channel of this name;
            // this channel writes its own.
            _memory = new MemoryChannel(name, options.Memory, timeProvider, NullLogger<MemoryChannel>.Instance);
        }

        if (options.OverflowCapacity > 0)
        {
            _overflow = new DurableFileChannel(name, options.Overflow, timeProvider, loggerFactory.CreateLogger<DurableFileChannel>());
        }

        Counter = new ChannelCounter(name, (long)options.MemoryCapacity + options.OverflowCapacity, timeProvider);
    }

    public string Name { get; }

    public int TransactionCapacity => _options.TransactionCapacity;

    /// <summary>Flume's channel counters, over both stores.</summary>
    public ChannelCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    /// <summary>Events in memory, including takes not yet committed.</summary>
    public int MemorySize => _memory?.Size ?? 0;

    /// <summary>Events in the overflow file channel.</summary>
    public int OverflowSize => _overflow?.Size ?? 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_memory is not null)
        {
            await _memory.StartAsync(cancellationToken);
        }

        if (_overflow is not null)
        {
            await _overflow.StartAsync(cancellationToken);
            lock (_lock)
            {
                // What the last run spilled is older than anything put from now on.
                _drainOrder.Clear();
                if (_overflow.Size > 0)
                {
                    _drainOrder.AddLast(-_overflow.Size);
                }
            }
        }

        UpdateSize();
        Counter.Start();
        LogStarted(Name, _options.MemoryCapacity, _options.OverflowCapacity, _overflow?.Size ?? 0);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The agent stops a channel and then disposes it; the second call must not stop (and report) again.
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        if (_memory is not null)
        {
            if (_memory.Size is var inMemory and > 0)
            {
                LogStoppedWithEvents(Name, inMemory, _overflow?.Size ?? 0);
            }

            await _memory.StopAsync(cancellationToken);
        }

        if (_overflow is not null)
        {
            await _overflow.StopAsync(cancellationToken);
        }

        Counter.Stop();
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    public bool CanReconfigure(ComponentContext before, ComponentContext after) =>
        before.SameAs(after, InPlaceKeys) && (_memory is not null) == (SpillableMemoryChannelOptions.From(after).MemoryCapacity > 0);

    /// <summary>
    /// New <c>memoryCapacity</c>, <c>byteCapacity</c>, <c>byteCapacityBufferPercentage</c>, <c>overflowTimeout</c> and
    /// <c>overflowDeactivationThreshold</c>: the events in memory and in overflow stay. A memory capacity below what
    /// memory holds sends puts to overflow until the sinks have taken memory below it.
    /// </summary>
    public ChannelReconfiguration Prepare(ComponentContext properties)
    {
        var options = SpillableMemoryChannelOptions.From(properties);
        options.Validate();
        return new ChannelReconfiguration(options.TransactionCapacity, () => Reconfigure(options));
    }

    private void Reconfigure(SpillableMemoryChannelOptions options)
    {
        _memory?.Reconfigure(options.Memory);
        lock (_lock)
        {
            _options = options;
        }

        Counter.ChannelCapacity = (long)options.MemoryCapacity + options.OverflowCapacity;
        LogReconfigured(Name, options.MemoryCapacity, options.OverflowTimeout.TotalSeconds, MemorySize, OverflowSize);
    }

    public IChannelTransaction BeginTransaction() => new Transaction(this);

    public async ValueTask WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_drainOrder.Count > 0)
            {
                return;
            }
        }

        var waits = new List<Task>(2);
        if (_memory is not null)
        {
            waits.Add(_memory.WaitForEventsAsync(timeout, cancellationToken).AsTask());
        }

        if (_overflow is not null)
        {
            waits.Add(_overflow.WaitForEventsAsync(timeout, cancellationToken).AsTask());
        }

        await await Task.WhenAny(waits);
    }

    private void UpdateSize() => Counter.SetChannelSize((long)MemorySize + OverflowSize);

    private void Record(bool inMemory, int count)
    {
        lock (_lock)
        {
            var run = inMemory ? count : -count;
            if (_drainOrder.Last is { } last && Math.Sign(last.Value) == Math.Sign(run))
            {
                last.Value += run;
            }
            else
            {
                _drainOrder.AddLast(run);
            }
        }
    }

    /// <summary>Claims the next event in drain order: true when it is in memory, false in overflow, null when none.</summary>
    private bool? ClaimNext()
    {
        lock (_lock)
        {
            if (_drainOrder.First is not { } head)
            {
                return null;
            }

            var inMemory = head.Value > 0;
            head.Value -= Math.Sign(head.Value);
            if (head.Value == 0)
            {
                _drainOrder.RemoveFirst();
            }

            return inMemory;
        }
    }

    /// <summary>Puts claims back at the head of the drain order, newest first, so the order is as before.</summary>
    private void Unclaim(List<bool> claims)
    {
        lock (_lock)
        {
            for (var i = claims.Count - 1; i >= 0; i--)
            {
                var run = claims[i] ? 1 : -1;
                if (_drainOrder.First is { } first && Math.Sign(first.Value) == run)
                {
                    first.Value += run;
                }
                else
                {
                    _drainOrder.AddFirst(run);
                }
            }
        }
    }

    private async ValueTask CommitPutsAsync(List<FlumeEvent> puts, CancellationToken cancellationToken)
    {
        ChannelException? memoryFull = null;
        if (_memory is not null && puts.Count <= _options.Memory.TransactionCapacity)
        {
            bool overflowActive;
            lock (_lock)
            {
                overflowActive = _overflowActive;
            }

            var wait = overflowActive && _overflow is not null ? TimeSpan.Zero : _options.OverflowTimeout;
            using var transaction = _memory.BeginTransaction(wait);
            foreach (var put in puts)
            {
                transaction.Put(put);
            }

            try
            {
                await transaction.CommitAsync(cancellationToken);
                Record(inMemory: true, puts.Count);
                return;
            }
            catch (ChannelException e)
            {
                transaction.Rollback();
                memoryFull = e;
            }
        }

        if (_overflow is null)
        {
            throw new ChannelFullException(
                $"channel {Name}: memory is full and overflow is disabled (overflowCapacity = 0); consider raising memoryCapacity " +
                $"or byteCapacity. {memoryFull?.Message}");
        }

        using (var transaction = _overflow.BeginTransaction())
        {
            foreach (var put in puts)
            {
                transaction.Put(put);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        Record(inMemory: false, puts.Count);
        lock (_lock)
        {
            if (!_overflowActive && _memory is not null)
            {
                _overflowActive = true;
                LogOverflowActivated(Name);
            }
        }
    }

    private void AfterTakes()
    {
        lock (_lock)
        {
            if (_overflowActive && _memory is not null)
            {
                var free = (_options.MemoryCapacity - _memory.Size) * 100.0 / _options.MemoryCapacity;
                if (free >= _options.OverflowDeactivationThreshold)
                {
                    _overflowActive = false;
                    LogOverflowDeactivated(Name);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "channel {Channel} started (spillable memory, memoryCapacity {MemoryCapacity}, overflowCapacity {OverflowCapacity}, {Recovered} events recovered from overflow)")]
    private partial void LogStarted(string channel, int memoryCapacity, int overflowCapacity, int recovered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel {Channel} stopped holding {InMemory} events in memory, which a spillable memory channel does not keep across restarts; {Overflow} events stay in its overflow on disk")]
    private partial void LogStoppedWithEvents(string channel, int inMemory, int overflow);

    [LoggerMessage(Level = LogLevel.Information, Message = "channel {Channel} reconfigured in place (memoryCapacity {MemoryCapacity}, overflowTimeout {OverflowTimeout} s), keeping the {InMemory} events in memory and {Overflow} in overflow")]
    private partial void LogReconfigured(string channel, int memoryCapacity, double overflowTimeout, int inMemory, int overflow);

    [LoggerMessage(Level = LogLevel.Information, Message = "channel {Channel}: memory is full, overflow to disk activated")]
    private partial void LogOverflowActivated(string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "channel {Channel}: memory has room again, overflow deactivated")]
    private partial void LogOverflowDeactivated(string channel);

    private sealed class Transaction(SpillableMemoryChannel channel) : IChannelTransaction
    {
        private readonly List<FlumeEvent> _puts = [];
        private readonly List<bool> _claims = [];
        private IChannelTransaction? _memoryTakes;
        private IChannelTransaction? _overflowTakes;
        private int _putAttempts;
        private int _takeAttempts;
        private bool _ended;

        public void Put(FlumeEvent flumeEvent)
        {
            ArgumentNullException.ThrowIfNull(flumeEvent);
            EnsureOpen();
            _putAttempts++;
            if (_claims.Count > 0)
            {
                throw new ChannelException($"channel {channel.Name}: a put after a take in the same transaction is not supported, as in Flume");
            }

            TransactionLists.EnsureRoom(channel.Name, "put", _puts.Count, channel._options.TransactionCapacity);

            _puts.Add(flumeEvent);
        }

        public FlumeEvent? Take()
        {
            EnsureOpen();
            _takeAttempts++;
            if (_puts.Count > 0)
            {
                throw new ChannelException($"channel {channel.Name}: a take after a put in the same transaction is not supported, as in Flume");
            }

            TransactionLists.EnsureRoom(channel.Name, "take", _claims.Count, channel._options.TransactionCapacity);

            if (channel.ClaimNext() is not { } inMemory)
            {
                return null;
            }

            var store = inMemory
                ? _memoryTakes ??= channel._memory!.BeginTransaction()
                : _overflowTakes ??= channel._overflow!.BeginTransaction();
            FlumeEvent? taken;
            try
            {
                taken = store.Take();
            }
            catch
            {
                channel.Unclaim([inMemory]);
                throw;
            }

            if (taken is null)
            {
                // The drain order only counts committed events, so this is a take racing a rollback: try later.
                channel.Unclaim([inMemory]);
                return null;
            }

            _claims.Add(inMemory);
            return taken;
        }

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            EnsureOpen();
            if (_puts.Count > 0)
            {
                await channel.CommitPutsAsync(_puts, cancellationToken);
            }
            else
            {
                // The durable side first: should it fail, the memory takes can still be rolled back with it.
                if (_overflowTakes is not null)
                {
                    await _overflowTakes.CommitAsync(cancellationToken);
                }

                if (_memoryTakes is not null)
                {
                    await _memoryTakes.CommitAsync(cancellationToken);
                }

                channel.AfterTakes();
            }

            _ended = true;
            channel.UpdateSize();
            channel.Counter.AddTransaction(_putAttempts, _takeAttempts, _puts.Count, _claims.Count);
        }

        public void Rollback()
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _overflowTakes?.Rollback();
            _memoryTakes?.Rollback();
            channel.Unclaim(_claims);
            channel.Counter.AddTransaction(_putAttempts, _takeAttempts, 0, 0);
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
