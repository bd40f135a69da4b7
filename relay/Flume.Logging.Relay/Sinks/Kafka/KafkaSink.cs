using System.Buffers;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Kafka;
using Flume.Logging.Relay.Sinks.Hdfs;
using Flume.Logging.Rpc;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sinks.Kafka;

/// <summary>
/// Flume's Kafka sink (<c>org.apache.flume.sink.kafka.KafkaSink</c>): each take of up to <c>flumeBatchSize</c>
/// events is produced to Kafka and committed only once Kafka acknowledged every record of it (as many replicas as
/// <c>acks</c> asks for). Any record not acknowledged fails the whole batch: the take rolls back and the events are
/// sent again after the runner's backoff, so a record may reach Kafka twice, never zero times.
/// </summary>
internal sealed partial class KafkaSink : BatchSink, IDisposable
{
    /// <summary>Flume's class name, which configurations use as the type.</summary>
    public const string FlumeClass = "org.apache.flume.sink.kafka.KafkaSink";

    private const string KeyHeader = "key";

    private readonly KafkaSinkOptions _options;
    private readonly Func<KafkaClientErrors, IProducer<string?, byte[]>> _createProducer;
    private readonly ILogger _logger;
    private readonly KafkaClientErrors _errors;
    private readonly BucketPath? _topicTemplate;
    private readonly ArrayBufferWriter<byte> _scratch = new(256);

    // Fired when the stop has begun and librdkafka, having reported every broker down, reports another failure: the
    // take in flight and the flush at close then stop waiting for acknowledgements that cannot come, instead of
    // holding the stop until its deadline. A stop with any broker reachable waits as before.
    private readonly CancellationTokenSource _giveUp = new();
    private volatile bool _stopRequested;
    private IProducer<string?, byte[]>? _producer;

    public KafkaSink(
        string name,
        IChannel channel,
        KafkaSinkOptions options,
        Func<KafkaClientErrors, IProducer<string?, byte[]>>? createProducer,
        TimeProvider timeProvider,
        ILogger<KafkaSink> logger)
        : base(name, channel, (options ?? throw new ArgumentNullException(nameof(options))).BatchSize)
    {
        _options = options;
        _logger = logger;
        _errors = new KafkaClientErrors($"kafka sink {name}", options.BootstrapServers, logger) { ErrorReported = GiveUpIfBrokersGone };
        _createProducer = createProducer ?? (errors => KafkaClients.CreateProducer($"kafka sink {name}", options.Producer, errors));
        _topicTemplate = options.Topic.Contains('%', StringComparison.Ordinal)
            ? BucketPath.Parse(options.Topic, new BucketPathOptions(), HostNames.Resolve(), timeProvider)
            : null;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var warning in _options.Warnings)
        {
            LogDeprecated(Name, warning);
        }

        _producer = _createProducer(_errors);
        LogStarted(Name, _options.BootstrapServers, _options.Topic);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>From now on, a failure reported while every broker is down ends the waits for acknowledgements.</summary>
    public override void OnStopRequested()
    {
        _stopRequested = true;
    }

    public void Dispose() => _giveUp.Dispose();

    private void GiveUpIfBrokersGone()
    {
        if (_stopRequested && _errors.AllBrokersDown && !_giveUp.IsCancellationRequested)
        {
            // Not Cancel: that would run the waiting take's rollback on librdkafka's thread.
            _ = _giveUp.CancelAsync();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_producer is { } producer)
        {
            // Every committed take was acknowledged already; this only lets records of an abandoned take finish, within
            // CloseTimeout and the stop's own deadline (already past when the take was abandoned for it), unless every
            // broker is gone.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _giveUp.Token);
            var left = await KafkaClients.CloseAsync(producer, _options.CloseTimeout, stop.Token);
            if (left > 0)
            {
                LogStoppedWithRecords(Name, left);
            }

            _producer = null;
        }

        await base.StopAsync(cancellationToken);
    }

    protected override async ValueTask DeliverAsync(IReadOnlyList<FlumeEvent> batch, CancellationToken cancellationToken)
    {
        var producer = _producer ?? throw new InvalidOperationException($"kafka sink {Name} is not started");
        if (_giveUp.IsCancellationRequested)
        {
            throw BrokersGone(batch.Count, batch.Count);
        }

        // Per batch: reports of an abandoned batch (stop, a send that threw) may still arrive while the next one runs.
        var acks = new BatchAcknowledgements();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var flumeEvent = batch[i];
                var topicPartition = new TopicPartition(TopicOf(flumeEvent), PartitionOf(flumeEvent));
                var message = MessageOf(flumeEvent);
                await ProduceAsync(producer, topicPartition, message, acks, cancellationToken);
            }
        }
        finally
        {
            acks.AllSent();
        }

        // Completes: librdkafka reports every record, acknowledged or failed, within its delivery timeout.
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _giveUp.Token))
        {
            try
            {
                await acks.Done.WaitAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw BrokersGone(acks.Unreported, batch.Count);
            }
        }

        if (acks.Failed > 0)
        {
            throw new EventDeliveryException(
                $"kafka sink {Name}: {acks.Failed} of {batch.Count} records were not acknowledged by Kafka (brokers {_options.BootstrapServers}): " +
                $"{acks.FirstError}{_errors.Suffix()}; the take is rolled back and sent again");
        }

        _errors.Clear();
    }

    private EventDeliveryException BrokersGone(int unacknowledged, int count) => new(
        $"kafka sink {Name}: stopping with every broker down (brokers {_options.BootstrapServers}){_errors.Suffix()}; " +
        $"{unacknowledged} of {count} records are not acknowledged, so the take is rolled back and its events stay in the channel");

    private async ValueTask ProduceAsync(
        IProducer<string?, byte[]> producer, TopicPartition topicPartition, Message<string?, byte[]> message, BatchAcknowledgements acks, CancellationToken cancellationToken)
    {
        try
        {
            await acks.SendAsync(producer, topicPartition, message, cancellationToken);
        }
        catch (Exception e) when (e is ProduceException<string?, byte[]> or KafkaException or ArgumentException)
        {
            throw new EventDeliveryException(
                $"kafka sink {Name}: could not send to topic {topicPartition.Topic}: {e.Message}{_errors.Suffix()}", e);
        }
    }

    private string TopicOf(FlumeEvent flumeEvent)
    {
        if (_options.AllowTopicOverride && flumeEvent.HeaderCount > 0 && flumeEvent.Headers.TryGetValue(_options.TopicHeader, out var topic))
        {
            return topic;
        }

        return _topicTemplate is null ? _options.Topic : FormatTopic(flumeEvent);
    }

    private string FormatTopic(FlumeEvent flumeEvent)
    {
        try
        {
            return _topicTemplate!.Format(flumeEvent);
        }
        catch (BucketTimestampException e)
        {
            throw new EventDeliveryException($"kafka sink {Name}: kafka.topic {_options.Topic}: {e.Message}", e);
        }
    }

    private Partition PartitionOf(FlumeEvent flumeEvent)
    {
        try
        {
            return _options.Partitioning.PartitionOf(flumeEvent);
        }
        catch (FormatException e)
        {
            throw new EventDeliveryException($"kafka sink {Name}: {e.Message}", e);
        }
    }

    private Message<string?, byte[]> MessageOf(FlumeEvent flumeEvent)
    {
        var hasHeaders = flumeEvent.HeaderCount > 0;
        var message = new Message<string?, byte[]>
        {
            Key = hasHeaders && flumeEvent.Headers.TryGetValue(KeyHeader, out var key) ? key : null,
            Value = _options.UseFlumeEventFormat ? FlumeEventFormat.Encode(flumeEvent, _scratch) : FlumeEventFormat.BodyArray(flumeEvent),
        };

        if (hasHeaders && _options.TimestampHeader is { } timestampHeader && flumeEvent.Headers.TryGetValue(timestampHeader, out var timestamp))
        {
            message.Timestamp = long.TryParse(timestamp, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var millis)
                ? new Timestamp(millis, TimestampType.CreateTime)
                : throw new EventDeliveryException($"kafka sink {Name}: header {timestampHeader} holds '{timestamp}', which is not a time in milliseconds");
        }

        if (hasHeaders && _options.Headers.Count > 0)
        {
            Headers? headers = null;
            foreach (var (flumeName, kafkaName) in _options.Headers)
            {
                if (flumeEvent.Headers.TryGetValue(flumeName, out var value))
                {
                    headers ??= new Headers();
                    headers.Add(kafkaName, Encoding.UTF8.GetBytes(value));
                }
            }

            message.Headers = headers;
        }

        return message;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "sink {Sink} started (kafka, brokers {Brokers}, topic {Topic})")]
    private partial void LogStarted(string sink, string brokers, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sink {Sink}: {Warning}")]
    private partial void LogDeprecated(string sink, string warning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sink {Sink} stopped with {Count} records of an unfinished take not acknowledged; that take was rolled back and its events stay in the channel")]
    private partial void LogStoppedWithRecords(string sink, int count);
}
