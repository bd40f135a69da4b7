using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Kafka;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Rpc.Backoff;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources.Kafka;

/// <summary>
/// Flume's Kafka source (<c>org.apache.flume.source.kafka.KafkaSource</c>): reads records in batches of up to
/// <c>batchSize</c> or <c>batchDurationMillis</c>, puts each batch to the channels, and commits the records'
/// offsets only after the channels committed them (at least once: a crash between the two reads a batch again).
/// A batch the channels refuse is read again from Kafka after a backoff. On a rebalance, records of partitions taken
/// away are dropped from the batch in hand before it is put, uncommitted, so their new owner reads them.
/// </summary>
internal sealed partial class KafkaSource : ISource, IBatchSizeSupported, IAsyncDisposable, IMonitoredComponent
{
    /// <summary>Flume's class name, which configurations use as the type.</summary>
    public const string FlumeClass = "org.apache.flume.source.kafka.KafkaSource";

    private readonly KafkaSourceOptions _options;
    private readonly ChannelProcessor _processor;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly KafkaClientErrors _errors;
    private readonly SourceLoop _loop = new();
    private readonly List<FlumeEvent> _batch = [];
    private readonly List<TopicPartition> _batchPartitions = [];
    private readonly Dictionary<TopicPartition, (long First, long Next)> _offsets = [];
    private readonly List<TopicPartition> _revoked = [];
    private IConsumer<string?, byte[]>? _consumer;

    public KafkaSource(string name, KafkaSourceOptions options, ChannelProcessor processor, TimeProvider timeProvider, ILogger<KafkaSource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options;
        _processor = processor;
        _timeProvider = timeProvider;
        _logger = logger;
        _errors = new KafkaClientErrors($"kafka source {name}", options.BootstrapServers, logger);
        Counter = new SourceCounter(name, timeProvider);
    }

    public string Name { get; }

    public int BatchSize => _options.BatchSize;

    /// <summary>Flume's source counters of this source.</summary>
    public SourceCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var warning in _options.Warnings)
        {
            LogDeprecated(Name, warning);
        }

        var consumer = KafkaClients.CreateConsumer($"kafka source {Name}", _options.Consumer, _errors, OnRevoked);
        consumer.Subscribe(_options.Subscription);
        _consumer = consumer;
        Counter.Start();
        LogStarted(Name, _options.BootstrapServers, _options.Subscription, _options.GroupId);
        _loop.Start(() => RunAsync(consumer));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _loop.StopAsync(cancellationToken);
        CloseConsumer();
        Counter.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        await _loop.DisposeAsync();
        CloseConsumer();
    }

    private void CloseConsumer()
    {
        if (_consumer is not { } consumer)
        {
            return;
        }

        _consumer = null;
        KafkaClients.Close(consumer, reason => LogCloseFailed(Name, reason));
    }

    /// <summary>Runs inside <c>Consume</c> on the loop's thread, so the batch in hand is not being put meanwhile.</summary>
    private void OnRevoked(IConsumer<string?, byte[]> consumer, List<TopicPartitionOffset> partitions)
    {
        foreach (var partition in partitions)
        {
            _revoked.Add(partition.TopicPartition);
        }
    }

    private async Task RunAsync(IConsumer<string?, byte[]> consumer)
    {
        var emptyPolls = 0;
        while (!_loop.IsStopping)
        {
            try
            {
                ReadBatch(consumer);
            }
            catch (ConsumeException e)
            {
                LogReadFailed(Name, _options.BootstrapServers, e.Error.Reason);
            }

            if (_batch.Count == 0)
            {
                emptyPolls++;
                var pause = BackoffPolicy.Linear(_options.BackoffSleepIncrement, _options.MaxBackoffSleep).Delay(emptyPolls);
                if (!await PauseAsync(pause))
                {
                    return;
                }

                continue;
            }

            emptyPolls = 0;
            if (!await PutBatchAsync(consumer))
            {
                return;
            }
        }
    }

    /// <summary>Puts the batch in hand and commits its offsets; false when the loop must end.</summary>
    private async Task<bool> PutBatchAsync(IConsumer<string?, byte[]> consumer)
    {
        Counter.AddEventsReceived(_batch.Count);
        Counter.IncrementAppendBatchReceived();
        try
        {
            await _processor.ProcessBatchAsync(_batch, _loop.Abort);
        }
        catch (OperationCanceledException) when (_loop.IsAborted)
        {
            return false;
        }
        catch (ChannelException e)
        {
            Counter.IncrementChannelWriteFail();
            LogChannelRefused(Name, _batch.Count, e.Message);
            SeekBack(consumer);
            ClearBatch();
            return await PauseAsync(_options.BackoffSleepIncrement);
        }

        Counter.IncrementAppendBatchAccepted();
        Counter.AddEventsAccepted(_batch.Count);
        Commit(consumer);
        ClearBatch();
        return true;
    }

    private void ReadBatch(IConsumer<string?, byte[]> consumer)
    {
        var deadline = _timeProvider.GetTimestamp() + (long)(_options.BatchDuration.TotalSeconds * _timeProvider.TimestampFrequency);
        while (_batch.Count < _options.BatchSize && !_loop.IsStopping)
        {
            var remaining = _timeProvider.GetElapsedTime(_timeProvider.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            var record = consumer.Consume(remaining);
            DropRevoked();
            if (record is null)
            {
                break;
            }

            if (record.IsPartitionEOF)
            {
                continue;
            }

            var topicPartition = record.TopicPartition;
            var first = _offsets.TryGetValue(topicPartition, out var range) ? range.First : record.Offset.Value;
            _offsets[topicPartition] = (first, record.Offset.Value + 1);
            if (ToEvent(record) is { } flumeEvent)
            {
                _batch.Add(flumeEvent);
                _batchPartitions.Add(topicPartition);
            }
        }
    }

    /// <summary>Forgets records of partitions this source no longer owns: their new owner reads them from the last commit.</summary>
    private void DropRevoked()
    {
        if (_revoked.Count == 0)
        {
            return;
        }

        var kept = 0;
        for (var i = 0; i < _batch.Count; i++)
        {
            if (!_revoked.Contains(_batchPartitions[i]))
            {
                _batch[kept] = _batch[i];
                _batchPartitions[kept] = _batchPartitions[i];
                kept++;
            }
        }

        var dropped = _batch.Count - kept;
        _batch.RemoveRange(kept, dropped);
        _batchPartitions.RemoveRange(kept, dropped);
        foreach (var partition in _revoked)
        {
            _offsets.Remove(partition);
        }

        if (dropped > 0)
        {
            LogRebalanceDropped(Name, dropped, _revoked.Count);
        }

        _revoked.Clear();
    }

    private FlumeEvent? ToEvent(ConsumeResult<string?, byte[]> record)
    {
        var value = record.Message.Value ?? [];
        Dictionary<string, string> headers;
        ReadOnlyMemory<byte> body;
        if (_options.UseFlumeEventFormat)
        {
            try
            {
                var decoded = FlumeEventFormat.Decode(value);
                headers = new Dictionary<string, string>(decoded.Headers, StringComparer.Ordinal);
                body = decoded.Body;
            }
            catch (InvalidDataException e)
            {
                Counter.AddEventReadFail(1);
                LogUndecodable(Name, record.Topic, record.Partition.Value, record.Offset.Value, e.Message);
                return null;
            }
        }
        else
        {
            headers = new Dictionary<string, string>(6, StringComparer.Ordinal);
            body = value;
        }

        // As Flume: set only when the event does not carry them already (a Flume-format record may), the key always.
        headers.TryAdd("timestamp", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        if (_options.TimestampHeader is { } timestampHeader)
        {
            headers[timestampHeader] = record.Message.Timestamp.UnixTimestampMs.ToString(CultureInfo.InvariantCulture);
        }

        if (_options.Headers.Count > 0 && record.Message.Headers is { } kafkaHeaders)
        {
            foreach (var (flumeName, kafkaName) in _options.Headers)
            {
                if (kafkaHeaders.TryGetLastBytes(kafkaName, out var bytes))
                {
                    headers[flumeName] = Encoding.UTF8.GetString(bytes);
                }
            }
        }

        if (_options.SetTopicHeader)
        {
            headers.TryAdd(_options.TopicHeader, record.Topic);
        }

        headers.TryAdd("partition", record.Partition.Value.ToString(CultureInfo.InvariantCulture));
        headers.TryAdd("offset", record.Offset.Value.ToString(CultureInfo.InvariantCulture));
        if (record.Message.Key is { } key)
        {
            headers["key"] = key;
        }

        // Built last: an event takes a header map as it is, and drops an empty one.
        return new FlumeEvent(headers, body);
    }

    private void Commit(IConsumer<string?, byte[]> consumer)
    {
        if (_offsets.Count == 0)
        {
            return;
        }

        var offsets = new List<TopicPartitionOffset>(_offsets.Count);
        foreach (var (topicPartition, range) in _offsets)
        {
            offsets.Add(new TopicPartitionOffset(topicPartition, new Offset(range.Next)));
        }

        try
        {
            consumer.Commit(offsets);
            _errors.Clear();
        }
        catch (KafkaException e)
        {
            // The events are in the channel: the worst outcome is that this batch is read (and delivered) again.
            LogCommitFailed(Name, _batch.Count, e.Error.Reason);
        }
    }

    /// <summary>Rewinds to the batch's first records, so a batch the channels refused is read again.</summary>
    private void SeekBack(IConsumer<string?, byte[]> consumer)
    {
        foreach (var (topicPartition, range) in _offsets)
        {
            try
            {
                consumer.Seek(new TopicPartitionOffset(topicPartition, new Offset(range.First)));
            }
            catch (KafkaException e)
            {
                LogSeekFailed(Name, topicPartition.Topic, topicPartition.Partition.Value, e.Error.Reason);
            }
        }
    }

    private void ClearBatch()
    {
        _batch.Clear();
        _batchPartitions.Clear();
        _offsets.Clear();
    }

    private async Task<bool> PauseAsync(TimeSpan pause)
    {
        try
        {
            await Task.Delay(pause, _timeProvider, _loop.Stopping);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "source {Source} started (kafka, brokers {Brokers}, topics {Topics}, group {Group})")]
    private partial void LogStarted(string source, string brokers, IReadOnlyList<string> topics, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "source {Source}: {Warning}")]
    private partial void LogDeprecated(string source, string warning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "source {Source}: reading from Kafka (brokers {Brokers}) failed: {Reason}")]
    private partial void LogReadFailed(string source, string brokers, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "source {Source}: channel refused a batch of {Count}; it is read from Kafka again after a pause: {Reason}")]
    private partial void LogChannelRefused(string source, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "source {Source}: committing the offsets of {Count} delivered events failed, so they may be read again: {Reason}")]
    private partial void LogCommitFailed(string source, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "source {Source}: could not seek {Topic}/{Partition} back ({Reason}); its owner reads it from the last committed offset")]
    private partial void LogSeekFailed(string source, string topic, int partition, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "source {Source}: rebalance took {Partitions} partitions away; {Count} records read from them are left to their new owner")]
    private partial void LogRebalanceDropped(string source, int count, int partitions);

    [LoggerMessage(Level = LogLevel.Error, Message = "source {Source}: record {Topic}/{Partition}@{Offset} is not a Flume event and is skipped (useFlumeEventFormat is true): {Reason}")]
    private partial void LogUndecodable(string source, string topic, int partition, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "source {Source}: consumer did not leave its group cleanly: {Reason}")]
    private partial void LogCloseFailed(string source, string reason);
}
