using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Kafka;

namespace Flume.Logging.Relay.Sinks.Kafka;

/// <summary>Settings of Flume's Kafka sink, with Flume 1.11's property names, deprecated names and defaults.</summary>
internal sealed class KafkaSinkOptions
{
    /// <summary>Flume's default topic.</summary>
    public const string DefaultTopic = "default-flume-topic";

    /// <summary><c>kafka.bootstrap.servers</c> (deprecated <c>brokerList</c>): the brokers. Required.</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>
    /// <c>kafka.topic</c> (deprecated <c>topic</c>): the topic, with <c>%{header}</c> and time escapes as Flume
    /// substitutes them. Default: <c>default-flume-topic</c>.
    /// </summary>
    public string Topic { get; init; } = DefaultTopic;

    /// <summary><c>flumeBatchSize</c> (deprecated <c>batchSize</c>): most events per take. Default: 100.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary><c>useFlumeEventFormat</c>: write Flume's Avro event (headers and body) instead of the body. Default: false.</summary>
    public bool UseFlumeEventFormat { get; init; }

    /// <summary><c>defaultPartitionId</c> and <c>partitionIdHeader</c>; by default the producer's partitioner decides.</summary>
    public KafkaPartitioning Partitioning { get; init; } = new(null, null);

    /// <summary><c>allowTopicOverride</c>: whether the <see cref="TopicHeader"/> header chooses the topic. Default: true.</summary>
    public bool AllowTopicOverride { get; init; } = true;

    /// <summary><c>topicHeader</c>: the header that names an event's topic. Default: <c>topic</c>.</summary>
    public string TopicHeader { get; init; } = "topic";

    /// <summary><c>timestampHeader</c>: the header with the record's timestamp (ms since 1970); default none, the send time.</summary>
    public string? TimestampHeader { get; init; }

    /// <summary><c>header.NAME = kafkaName</c>: Flume headers copied to Kafka record headers. Default: none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>
    /// The librdkafka producer settings: <c>kafka.producer.*</c> mapped from Java names, with
    /// <c>kafka.producer.acks</c> (deprecated <c>requiredAcks</c>) 1 by default as in Flume.
    /// </summary>
    public IReadOnlyDictionary<string, string> Producer { get; init; } = new Dictionary<string, string>();

    /// <summary>How long stop waits for records still in flight before closing the producer: 10 s.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Deprecated properties that were used, to report at start.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Reads the sink's properties; errors name the exact key.</summary>
    public static KafkaSinkOptions From(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var warnings = new List<string>();
        var bootstrap = DeprecatedProperties.BootstrapServers(properties, warnings);
        var topic = DeprecatedProperties.Read(properties, "kafka.topic", "topic", warnings);
        var batchText = DeprecatedProperties.Read(properties, "flumeBatchSize", "batchSize", warnings);
        var batchKey = properties.GetString("flumeBatchSize") is null && batchText is not null ? "batchSize" : "flumeBatchSize";
        var acks = DeprecatedProperties.Read(properties, "kafka.producer.acks", "requiredAcks", warnings) ?? "1";
        properties.Require(
            acks.Trim() is "0" or "1" or "-1" or "all",
            properties.GetString("kafka.producer.acks") is null ? "requiredAcks" : "kafka.producer.acks",
            $"must be 0, 1, -1 or all (got {acks})");

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, kafkaName) in properties.GetSubContext("header.").Properties)
        {
            properties.Require(!string.IsNullOrWhiteSpace(kafkaName), "header." + name, "must name the Kafka header to write");
            headers.Add(new(name, kafkaName.Trim()));
        }

        var topicHeader = properties.GetString("topicHeader", "topic");
        properties.Require(!string.IsNullOrWhiteSpace(topicHeader), "topicHeader", "must not be blank");
        var timestampHeader = properties.GetString("timestampHeader");
        return new KafkaSinkOptions
        {
            BootstrapServers = bootstrap,
            Topic = string.IsNullOrWhiteSpace(topic) ? DefaultTopic : topic.Trim(),
            BatchSize = properties.GetInt32(batchKey, 100, 1, int.MaxValue),
            UseFlumeEventFormat = properties.GetBoolean("useFlumeEventFormat", false),
            Partitioning = KafkaPartitioning.From(properties),
            AllowTopicOverride = properties.GetBoolean("allowTopicOverride", true),
            TopicHeader = topicHeader.Trim(),
            TimestampHeader = string.IsNullOrWhiteSpace(timestampHeader) ? null : timestampHeader.Trim(),
            Headers = headers,
            Producer = KafkaClientProperties.Producer(properties, bootstrap, acks.Trim()),
            Warnings = warnings,
        };
    }
}
