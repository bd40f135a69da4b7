using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Kafka;

namespace Flume.Logging.Relay.Channels.Kafka;

/// <summary>Settings of Flume's Kafka channel, with Flume 1.11's property names, deprecated names and defaults.</summary>
internal sealed class KafkaChannelOptions
{
    /// <summary><c>kafka.bootstrap.servers</c> (deprecated <c>brokerList</c>): the brokers. Required.</summary>
    public required string BootstrapServers { get; init; }

    /// <summary><c>kafka.topic</c> (deprecated <c>topic</c>): the topic that holds the channel. Default: <c>flume-channel</c>.</summary>
    public string Topic { get; init; } = "flume-channel";

    /// <summary>
    /// <c>kafka.consumer.group.id</c> (deprecated <c>groupId</c>): the consumer group; channels that share topic
    /// and group share the events. Default: <c>flume</c>.
    /// </summary>
    public string GroupId { get; init; } = "flume";

    /// <summary>
    /// <c>parseAsFlumeEvent</c>: records are Flume's Avro events (headers and body), as a Flume agent's Kafka channel
    /// writes them; false reads and writes bodies only. Default: true.
    /// </summary>
    public bool ParseAsFlumeEvent { get; init; } = true;

    /// <summary><c>pollTimeout</c>: how long a take waits for a record when none is buffered. Default: 500 ms.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary><c>defaultPartitionId</c> and <c>partitionIdHeader</c>; by default the producer's partitioner decides.</summary>
    public KafkaPartitioning Partitioning { get; init; } = new(null, null);

    /// <summary>The librdkafka producer settings, from <c>kafka.producer.*</c> (Java names mapped).</summary>
    public IReadOnlyDictionary<string, string> Producer { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The librdkafka consumer settings, from <c>kafka.consumer.*</c> (Java names mapped);
    /// <c>kafka.consumer.auto.offset.reset</c> is <c>latest</c> by default as in Flume (deprecated
    /// <c>readSmallestOffset = true</c> means <c>earliest</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string> Consumer { get; init; } = new Dictionary<string, string>();

    /// <summary>How long stop waits for records still in flight before closing the producer: 10 s.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Deprecated properties that were used, to report at start.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Reads the channel's properties; errors name the exact key.</summary>
    public static KafkaChannelOptions From(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var warnings = new List<string>();
        var bootstrap = DeprecatedProperties.BootstrapServers(properties, warnings);
        var topic = DeprecatedProperties.Read(properties, "kafka.topic", "topic", warnings);
        var group = DeprecatedProperties.Read(properties, "kafka.consumer.group.id", "groupId", warnings);
        if (properties.GetString("migrateZookeeperOffsets") is not null)
        {
            warnings.Add($"{properties.FullKey("migrateZookeeperOffsets")} is ignored: offsets are kept in Kafka, there are no ZooKeeper offsets to migrate");
        }

        var consumer = KafkaClientProperties.Consumer(properties, bootstrap, string.IsNullOrWhiteSpace(group) ? "flume" : group.Trim());
        if (!consumer.ContainsKey("auto.offset.reset"))
        {
            var smallest = properties.GetString("readSmallestOffset") is not null && properties.GetBoolean("readSmallestOffset", false);
            if (properties.GetString("readSmallestOffset") is not null)
            {
                warnings.Add($"{properties.FullKey("readSmallestOffset")} is deprecated and is read as {properties.FullKey("kafka.consumer.auto.offset.reset")}; rename it");
            }

            consumer["auto.offset.reset"] = smallest ? "earliest" : "latest";
        }

        var producer = KafkaClientProperties.Producer(properties, bootstrap, acks: null);
        return new KafkaChannelOptions
        {
            BootstrapServers = bootstrap,
            Topic = string.IsNullOrWhiteSpace(topic) ? "flume-channel" : topic.Trim(),
            GroupId = consumer["group.id"],
            ParseAsFlumeEvent = properties.GetBoolean("parseAsFlumeEvent", true),
            PollTimeout = properties.GetMilliseconds("pollTimeout", TimeSpan.FromMilliseconds(500)),
            Partitioning = KafkaPartitioning.From(properties),
            Producer = producer,
            Consumer = consumer,
            Warnings = warnings,
        };
    }
}
