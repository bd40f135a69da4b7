using System.Buffers;
using System.Collections.Concurrent;
using Confluent.Kafka;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Kafka;
using Flume.Logging.Relay.Metrics;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Channels.Kafka;

/// <summary>
/// Flume's Kafka channel (<c>org.apache.flume.channel.kafka.KafkaChannel</c>): a Kafka topic holds the events, so
/// they outlive the relay and are shared with every channel (ours or a Flume agent's) of the same topic and group.
/// A put transaction produces its events at commit and commits once Kafka acknowledged all of them; a take
/// transaction reads records and commits their offsets at commit, and its rollback seeks back so the same records
/// are taken again.
/// </summary>
internal sealed partial class KafkaChannel : IChannel, IMonitoredComponent
{
    /// <summary>Flume's class name, which configurations use as the type.</summary>
    public const string FlumeClass = "org.apache.flume.channel.kafka.KafkaChannel";

    private const string KeyHeader = "key";

    private readonly KafkaChannelOptions _options;
    private readonly ILogger _logger;
    private readonly KafkaClientErrors _producerErrors;
    private readonly KafkaClientErrors _consumerErrors;

    // Consumers are not thread-safe: each take transaction borrows one; concurrent takers (several sinks) get their own,
    // all in the channel's group, so Kafka divides the partitions among them.
    private readonly ConcurrentBag<IConsumer<string?, byte[]>> _idleConsumers = [];
    private readonly ConcurrentQueue<IConsumer<string?, byte[]>> _allConsumers = new();
    private IProducer<string?, byte[]>? _producer;
    private volatile bool _stopped;

    public KafkaChannel(string name, KafkaChannelOptions options, TimeProvider timeProvider, ILogger<KafkaChannel> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options;
        _logger = logger;
        _producerErrors = new KafkaClientErrors($"kafka channel {name} producer", options.BootstrapServers, logger);
        _consumerErrors = new KafkaClientErrors($"kafka channel {name} consumer", options.BootstrapServers, logger);
        Counter = new ChannelCounter(name, 0, timeProvider);
    }

    public string Name { get; }

    /// <summary>Flume's channel counters of this channel.</summary>
    public ChannelCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var warning in _options.Warnings)
        {
            LogDeprecated(Name, warning);
        }

        _producer = KafkaClients.CreateProducer($"kafka channel {Name}", _options.Producer, _producerErrors);

        // Join the group now, so the channel's partitions are assigned (and their start offsets fixed) before the first take.
        _idleConsumers.Add(CreateConsumer());
        Counter.Start();
        LogStarted(Name, _options.BootstrapServers, _options.Topic, _options.GroupId);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        if (_producer is { } producer)
        {
            // Every committed put was acknowledged already: what librdkafka still holds belongs to puts whose commit
            // failed or was abandoned, so no accepted event waits on this. With every broker down it cannot be delivered.
            var wait = _producerErrors.AllBrokersDown ? TimeSpan.Zero : _options.CloseTimeout;
            var left = await KafkaClients.CloseAsync(producer, wait, cancellationToken);
            if (left > 0)
            {
                LogStoppedWithRecords(Name, left);
            }

            _producer = null;
        }

        while (_allConsumers.TryDequeue(out var consumer))
        {
            await Task.Run(() => KafkaClients.Close(consumer, reason => LogCloseFailed(Name, reason)), CancellationToken.None);
        }

        Counter.Stop();
    }

    public IChannelTransaction BeginTransaction() => new Transaction(this);

    /// <summary>Whether librdkafka reported every broker down to the producer and it has not worked since.</summary>
    internal bool ProducerBrokersDown => _producerErrors.AllBrokersDown;

    /// <summary>A take polls Kafka for up to <c>pollTimeout</c> itself, so there is nothing to wait for here.</summary>
    public ValueTask WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    private IConsumer<string?, byte[]> CreateConsumer()
    {
        var consumer = KafkaClients.CreateConsumer($"kafka channel {Name}", _options.Consumer, _consumerErrors);
        consumer.Subscribe(_options.Topic);
        _allConsumers.Enqueue(consumer);
        return consumer;
    }

    private IConsumer<string?, byte[]> RentConsumer()
    {
        ObjectDisposedException.ThrowIf(_stopped, this);
        return _idleConsumers.TryTake(out var consumer) ? consumer : CreateConsumer();
    }

    private void ReturnConsumer(IConsumer<string?, byte[]> consumer)
    {
        if (!_stopped)
        {
            _idleConsumers.Add(consumer);
        }
    }

    private FlumeEvent? Decode(ConsumeResult<string?, byte[]> record)
    {
        var value = record.Message.Value ?? [];
        if (!_options.ParseAsFlumeEvent)
        {
            return new FlumeEvent(value);
        }

        try
        {
            return FlumeEventFormat.Decode(value);
        }
        catch (InvalidDataException e)
        {
            LogUndecodable(Name, record.Topic, record.Partition.Value, record.Offset.Value, e.Message);
            return null;
        }
    }

    private async ValueTask ProduceAsync(List<FlumeEvent> puts, CancellationToken cancellationToken)
    {
        var producer = _producer ?? throw new ChannelException($"kafka channel {Name} is not started");
        var acks = new BatchAcknowledgements();
        var scratch = new ArrayBufferWriter<byte>(256);
        try
        {
            foreach (var flumeEvent in puts)
            {
                Partition partition;
                try
                {
                    partition = _options.Partitioning.PartitionOf(flumeEvent);
                }
                catch (FormatException e)
                {
                    throw new ChannelException($"kafka channel {Name}: {e.Message}", e);
                }

                var message = new Message<string?, byte[]>
                {
                    Key = flumeEvent.HeaderCount > 0 && flumeEvent.Headers.TryGetValue(KeyHeader, out var key) ? key : null,
                    Value = _options.ParseAsFlumeEvent ? FlumeEventFormat.Encode(flumeEvent, scratch) : FlumeEventFormat.BodyArray(flumeEvent),
                };
                await ProduceOneAsync(producer, new TopicPartition(_options.Topic, partition), message, acks, cancellationToken);
            }
        }
        finally
        {
            acks.AllSent();
        }

        await acks.Done.WaitAsync(cancellationToken);
        if (acks.Failed > 0)
        {
            throw new ChannelException(
                $"kafka channel {Name}: {acks.Failed} of {puts.Count} events were not acknowledged by Kafka (brokers {_options.BootstrapServers}, " +
                $"topic {_options.Topic}): {acks.FirstError}{_producerErrors.Suffix()}");
        }

        _producerErrors.Clear();
    }

    private async ValueTask ProduceOneAsync(
        IProducer<string?, byte[]> producer, TopicPartition topicPartition, Message<string?, byte[]> message, BatchAcknowledgements acks, CancellationToken cancellationToken)
    {
        try
        {
            await acks.SendAsync(producer, topicPartition, message, cancellationToken);
        }
        catch (Exception e) when (e is ProduceException<string?, byte[]> or KafkaException or ArgumentException)
        {
            throw new ChannelException($"kafka channel {Name}: could not send to topic {_options.Topic}: {e.Message}{_producerErrors.Suffix()}", e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "channel {Channel} started (kafka, brokers {Brokers}, topic {Topic}, group {Group})")]
    private partial void LogStarted(string channel, string brokers, string topic, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel {Channel}: {Warning}")]
    private partial void LogDeprecated(string channel, string warning);

    [LoggerMessage(Level = LogLevel.Error, Message = "channel {Channel}: record {Topic}/{Partition}@{Offset} is not a Flume event and is skipped (parseAsFlumeEvent is true; set it to false for topics other producers write): {Reason}")]
    private partial void LogUndecodable(string channel, string topic, int partition, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel {Channel}: rolled-back take of {Topic}/{Partition} could not seek back ({Reason}); the partition's new owner reads it from the last committed offset")]
    private partial void LogSeekFailed(string channel, string topic, int partition, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel {Channel} stopped with {Count} records of puts that were not committed still unacknowledged; their clients were not told the events were accepted")]
    private partial void LogStoppedWithRecords(string channel, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel {Channel}: consumer did not leave its group cleanly: {Reason}")]
    private partial void LogCloseFailed(string channel, string reason);

    private sealed class Transaction(KafkaChannel channel) : IChannelTransaction
    {
        private readonly List<FlumeEvent> _puts = [];

        // First offset taken and next offset to commit, per partition.
        private readonly Dictionary<TopicPartition, (long First, long Next)> _taken = [];
        private IConsumer<string?, byte[]>? _consumer;
        private int _putAttempts;
        private int _takeAttempts;
        private int _takes;
        private bool _ended;

        public void Put(FlumeEvent flumeEvent)
        {
            ArgumentNullException.ThrowIfNull(flumeEvent);
            EnsureOpen();
            _putAttempts++;
            _puts.Add(flumeEvent);
        }

        public FlumeEvent? Take()
        {
            EnsureOpen();
            _takeAttempts++;
            _consumer ??= channel.RentConsumer();
            while (true)
            {
                ConsumeResult<string?, byte[]>? record;
                try
                {
                    record = _consumer.Consume(channel._options.PollTimeout);
                }
                catch (ConsumeException e)
                {
                    throw new ChannelException(
                        $"kafka channel {channel.Name}: could not read topic {channel._options.Topic} (brokers {channel._options.BootstrapServers}): {e.Error.Reason}", e);
                }

                if (record is null || record.IsPartitionEOF)
                {
                    return null;
                }

                var topicPartition = record.TopicPartition;
                var first = _taken.TryGetValue(topicPartition, out var range) ? range.First : record.Offset.Value;
                _taken[topicPartition] = (first, record.Offset.Value + 1);
                if (channel.Decode(record) is { } flumeEvent)
                {
                    _takes++;
                    return flumeEvent;
                }
            }
        }

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            EnsureOpen();
            if (_puts.Count > 0)
            {
                await channel.ProduceAsync(_puts, cancellationToken);
            }

            if (_taken.Count > 0)
            {
                var offsets = new List<TopicPartitionOffset>(_taken.Count);
                foreach (var (topicPartition, range) in _taken)
                {
                    offsets.Add(new TopicPartitionOffset(topicPartition, new Offset(range.Next)));
                }

                try
                {
                    _consumer!.Commit(offsets);
                }
                catch (KafkaException e)
                {
                    throw new ChannelException(
                        $"kafka channel {channel.Name}: could not commit the offsets of {_takes} taken events (brokers {channel._options.BootstrapServers}): {e.Error.Reason}", e);
                }

                channel._consumerErrors.Clear();
            }

            _ended = true;
            channel.Counter.AddTransaction(_putAttempts, _takeAttempts, _puts.Count, _takes);
            Release();
        }

        public void Rollback()
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            channel.Counter.AddTransaction(_putAttempts, _takeAttempts, 0, 0);
            if (_consumer is { } consumer)
            {
                foreach (var (topicPartition, range) in _taken)
                {
                    try
                    {
                        consumer.Seek(new TopicPartitionOffset(topicPartition, new Offset(range.First)));
                    }
                    catch (KafkaException e)
                    {
                        channel.LogSeekFailed(channel.Name, topicPartition.Topic, topicPartition.Partition.Value, e.Error.Reason);
                    }
                }
            }

            Release();
        }

        public void Dispose() => Rollback();

        private void Release()
        {
            if (_consumer is { } consumer)
            {
                _consumer = null;
                channel.ReturnConsumer(consumer);
            }
        }

        private void EnsureOpen()
        {
            if (_ended)
            {
                throw new InvalidOperationException($"channel {channel.Name}: the transaction has already ended");
            }
        }
    }
}
