using Flume.Logging.FileChannel;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Metrics;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Channels;

/// <summary>
/// Flume's <c>file</c> channel: the durable <see cref="FileEventQueue"/> behind the channel contract. It opens
/// (replaying what the last run left) when the agent starts, and checkpoints when it stops.
/// </summary>
internal sealed class DurableFileChannel(string name, FileChannelOptions options, TimeProvider timeProvider, ILogger logger)
    : IChannel, ITransactionCapacitySupported, IMonitoredComponent, IAsyncDisposable
{
    private FileEventQueue? _queue;

    public string Name { get; } = name;

    public int TransactionCapacity => options.TransactionCapacity;

    /// <summary>Flume's channel counters.</summary>
    public ChannelCounter Counter { get; } = new(name, options.Capacity, timeProvider);

    CounterGroup IMonitoredComponent.Counters => Counter;

    /// <summary>Events held, for metrics and tests; 0 before start.</summary>
    public int Size => _queue?.Count ?? 0;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _queue = FileEventQueue.Open(Name, options, timeProvider, logger);
            Counter.SetChannelSize(_queue.Count);
            Counter.Start();
        }
        catch (FileChannelException e)
        {
            throw new ChannelException(e.Message, e);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _queue, null) is { } queue)
        {
            await queue.DisposeAsync();
            Counter.Stop();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    public IChannelTransaction BeginTransaction() =>
        _queue is { } queue
            ? new Transaction(queue, queue.BeginTransaction(), Counter)
            : throw new ChannelException($"channel {Name} is not open");

    public ValueTask WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _queue?.WaitForEventsAsync(timeout, cancellationToken) ?? new ValueTask(Task.Delay(timeout, timeProvider, cancellationToken));

    private const long MinimumRequiredSpaceFloor = 1024 * 1024;

    /// <summary>Reads a <c>file</c> channel's Flume properties; errors name the exact key.</summary>
    internal static FileChannelOptions Options(ComponentContext properties)
    {
        var defaults = new FileChannelOptions();
        var options = new FileChannelOptions
        {
            CheckpointDir = properties.GetString("checkpointDir")?.Trim() is { Length: > 0 } checkpoint ? checkpoint : defaults.CheckpointDir,
            Capacity = properties.GetInt32("capacity", defaults.Capacity, 1, int.MaxValue),
            TransactionCapacity = properties.GetInt32("transactionCapacity", defaults.TransactionCapacity, 1, int.MaxValue),
            CheckpointInterval = properties.GetMilliseconds("checkpointInterval", defaults.CheckpointInterval),
            MaxFileSize = properties.GetInt64("maxFileSize", defaults.MaxFileSize, 1024 * 1024, int.MaxValue),
            // Flume raises anything below 1 MiB to 1 MiB, which leaves takes room for about 36,000 events.
            MinimumRequiredSpace = Math.Max(properties.GetInt64("minimumRequiredSpace", defaults.MinimumRequiredSpace, 0, long.MaxValue), MinimumRequiredSpaceFloor),
            KeepAlive = properties.GetSeconds("keep-alive", defaults.KeepAlive),
            UseDualCheckpoints = properties.GetBoolean("useDualCheckpoints", false),
            BackupCheckpointDir = properties.GetString("backupCheckpointDir")?.Trim(),
            CheckpointOnClose = properties.GetBoolean("checkpointOnClose", true),
            FsyncPerTransaction = properties.GetBoolean("fsyncPerTransaction", true),
        };
        foreach (var directory in (properties.GetString("dataDirs") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            options.DataDirs.Add(directory);
        }

        // Refused rather than ignored: storing events in clear text where encryption was asked for would be worse.
        properties.Require(properties.GetString("encryption.activeKey") is null, "encryption.activeKey", "is set: log encryption is not supported by this relay");

        // Checked here, not first when the channel opens: a start would fail without naming the key, and --check,
        // which opens nothing, would pass. The checks open with the key they name.
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw properties.CreateError(e, "dataDirs");
        }

        return options;
    }

    private sealed class Transaction(FileEventQueue queue, FileQueueTransaction inner, ChannelCounter counter) : IChannelTransaction
    {
        private int _putAttempts;
        private int _takeAttempts;
        private int _puts;
        private int _takes;
        private bool _counted;

        // Put and Take translate exceptions inline: a lambda per call cost two allocations per event.
        public void Put(FlumeEvent flumeEvent)
        {
            _putAttempts++;
            try
            {
                inner.Put(flumeEvent);
            }
            catch (FileChannelException e)
            {
                throw new ChannelException(e.Message, e);
            }

            _puts++;
        }

        public FlumeEvent? Take()
        {
            _takeAttempts++;
            FlumeEvent? taken;
            try
            {
                taken = inner.Take();
            }
            catch (FileChannelException e)
            {
                throw new ChannelException(e.Message, e);
            }

            if (taken is not null)
            {
                _takes++;
            }

            return taken;
        }

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            try
            {
                await inner.CommitAsync(cancellationToken);
                Count(_puts, _takes);
                counter.SetChannelSize(queue.Count);
            }
            catch (FileChannelFullException e)
            {
                throw new ChannelFullException(e.Message);
            }
            catch (FileChannelException e)
            {
                throw new ChannelException(e.Message, e);
            }
        }

        public void Rollback()
        {
            inner.Rollback();
            Count(0, 0);
        }

        public void Dispose() => Rollback();

        private void Count(int putsCommitted, int takesCommitted)
        {
            if (!_counted)
            {
                _counted = true;
                counter.AddTransaction(_putAttempts, _takeAttempts, putsCommitted, takesCommitted);
            }
        }
    }
}
