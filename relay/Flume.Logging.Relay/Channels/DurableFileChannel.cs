using Flume.Logging.FileChannel;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Config;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Channels;

/// <summary>
/// Flume's <c>file</c> channel: the durable <see cref="FileEventQueue"/> behind the channel contract. It opens
/// (replaying what the last run left) when the agent starts, and checkpoints when it stops.
/// </summary>
internal sealed class DurableFileChannel(string name, FileChannelOptions options, TimeProvider timeProvider, ILogger logger) : IChannel, IAsyncDisposable
{
    private FileEventQueue? _queue;

    public string Name { get; } = name;

    /// <summary>Events held, for metrics and tests; 0 before start.</summary>
    public int Size => _queue?.Count ?? 0;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _queue = FileEventQueue.Open(Name, options, timeProvider, logger);
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
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    public IChannelTransaction BeginTransaction() =>
        new Transaction((_queue ?? throw new ChannelException($"channel {Name} is not open")).BeginTransaction());

    public ValueTask WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _queue?.WaitForEventsAsync(timeout, cancellationToken) ?? new ValueTask(Task.Delay(timeout, timeProvider, cancellationToken));

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
            MinimumRequiredSpace = properties.GetInt64("minimumRequiredSpace", defaults.MinimumRequiredSpace, 0, long.MaxValue),
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

        properties.Require(options.TransactionCapacity <= options.Capacity, "transactionCapacity", $"({options.TransactionCapacity}) must not exceed capacity ({options.Capacity})");
        properties.Require(options.CheckpointInterval > TimeSpan.Zero, "checkpointInterval", "must be positive");
        properties.Require(!options.UseDualCheckpoints || options.BackupCheckpointDir is { Length: > 0 }, "backupCheckpointDir", "is required when useDualCheckpoints is true");

        // Refused rather than ignored: storing events in clear text where encryption was asked for would be worse.
        properties.Require(properties.GetString("encryption.activeKey") is null, "encryption.activeKey", "is set: log encryption is not supported by this relay");
        return options;
    }

    private sealed class Transaction(FileQueueTransaction inner) : IChannelTransaction
    {
        public void Put(FlumeEvent flumeEvent) => Translate(() => inner.Put(flumeEvent));

        public FlumeEvent? Take()
        {
            FlumeEvent? taken = null;
            Translate(() => taken = inner.Take());
            return taken;
        }

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            try
            {
                await inner.CommitAsync(cancellationToken);
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

        public void Rollback() => inner.Rollback();

        public void Dispose() => inner.Dispose();

        private static void Translate(Action action)
        {
            try
            {
                action();
            }
            catch (FileChannelException e)
            {
                throw new ChannelException(e.Message, e);
            }
        }
    }
}
