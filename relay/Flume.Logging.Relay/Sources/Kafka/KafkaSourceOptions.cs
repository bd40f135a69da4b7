using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Kafka;

namespace Flume.Logging.Relay.Sources.Kafka;

/// <summary>Settings of Flume's Kafka source, with Flume 1.11's property names, deprecated names and defaults.</summary>
internal sealed class KafkaSourceOptions
{
    /// <summary><c>kafka.bootstrap.servers</c>: the brokers. Required (the deprecated <c>zookeeperConnect</c> is refused).</summary>
    public required string BootstrapServers { get; init; }

    /// <summary><c>kafka.consumer.group.id</c> (deprecated <c>groupId</c>): the consumer group. Default: <c>flume</c>.</summary>
    public string GroupId { get; init; } = "flume";

    /// <summary>
    /// What to subscribe to: <c>kafka.topics.regex</c> as a librdkafka pattern (<c>^...</c>) when set, else the
    /// comma-separated <c>kafka.topics</c> (deprecated <c>topic</c>). One of them is required.
    /// </summary>
    public required IReadOnlyList<string> Subscription { get; init; }

    /// <summary><c>batchSize</c>: most records put to the channel in one transaction. Default: 1000.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary><c>batchDurationMillis</c>: longest wait before a partial batch is put. Default: 1000 ms.</summary>
    public TimeSpan BatchDuration { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary><c>backoffSleepIncrement</c>: added to the pause after each empty poll. Default: 1000 ms.</summary>
    public TimeSpan BackoffSleepIncrement { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary><c>maxBackoffSleep</c>: the longest pause after empty polls. Default: 5000 ms.</summary>
    public TimeSpan MaxBackoffSleep { get; init; } = TimeSpan.FromMilliseconds(5000);

    /// <summary><c>useFlumeEventFormat</c>: records are Flume's Avro events, whose headers are kept. Default: false.</summary>
    public bool UseFlumeEventFormat { get; init; }

    /// <summary><c>setTopicHeader</c>: put the record's topic in <see cref="TopicHeader"/>. Default: true.</summary>
    public bool SetTopicHeader { get; init; } = true;

    /// <summary><c>topicHeader</c>: the header for the topic. Default: <c>topic</c>.</summary>
    public string TopicHeader { get; init; } = "topic";

    /// <summary><c>timestampHeader</c>: a header to copy the record's Kafka timestamp into. Default: none.</summary>
    public string? TimestampHeader { get; init; }

    /// <summary><c>header.NAME = kafkaName</c>: Kafka record headers copied to Flume header NAME. Default: none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The librdkafka consumer settings, from <c>kafka.consumer.*</c> (Java names mapped); auto commit is off.</summary>
    public IReadOnlyDictionary<string, string> Consumer { get; init; } = new Dictionary<string, string>();

    /// <summary>Deprecated properties that were used, to report at start.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Reads the source's properties; errors name the exact key.</summary>
    public static KafkaSourceOptions From(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var warnings = new List<string>();
        properties.Require(
            properties.GetString("kafka.bootstrap.servers") is not null || properties.GetString("zookeeperConnect") is null,
            "zookeeperConnect",
            "is no longer supported (Kafka consumers find brokers, not ZooKeeper); set kafka.bootstrap.servers to the brokers");
        if (properties.GetString("zookeeperConnect") is not null)
        {
            warnings.Add($"{properties.FullKey("zookeeperConnect")} is no longer supported and is ignored; kafka.bootstrap.servers is used");
        }

        if (properties.GetString("migrateZookeeperOffsets") is not null)
        {
            warnings.Add($"{properties.FullKey("migrateZookeeperOffsets")} is ignored: offsets are kept in Kafka, there are no ZooKeeper offsets to migrate");
        }

        var bootstrap = KafkaClientProperties.BootstrapServers(properties, "kafka.bootstrap.servers");
        var group = DeprecatedProperties.Read(properties, "kafka.consumer.group.id", "groupId", warnings);
        var regex = properties.GetString("kafka.topics.regex");
        var topics = DeprecatedProperties.Read(properties, "kafka.topics", "topic", warnings);
        IReadOnlyList<string> subscription;
        if (!string.IsNullOrWhiteSpace(regex))
        {
            // librdkafka takes a subscription starting with ^ as a regular expression.
            subscription = [regex.StartsWith('^') ? regex : "^" + regex];
        }
        else
        {
            var list = (topics ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            properties.Require(list.Length > 0, "kafka.topics", "is required (or kafka.topics.regex): the topics to read");
            subscription = list;
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, kafkaName) in properties.GetSubContext("header.").Properties)
        {
            properties.Require(!string.IsNullOrWhiteSpace(kafkaName), "header." + name, "must name the Kafka header to read");
            headers.Add(new(name, kafkaName.Trim()));
        }

        var increment = properties.GetMilliseconds("backoffSleepIncrement", TimeSpan.FromMilliseconds(1000));
        var max = properties.GetMilliseconds("maxBackoffSleep", TimeSpan.FromMilliseconds(5000));
        var topicHeader = properties.GetString("topicHeader", "topic");
        properties.Require(!string.IsNullOrWhiteSpace(topicHeader), "topicHeader", "must not be blank");
        var timestampHeader = properties.GetString("timestampHeader");
        return new KafkaSourceOptions
        {
            BootstrapServers = bootstrap,
            Subscription = subscription,
            BatchSize = properties.GetInt32("batchSize", 1000, 1, int.MaxValue),
            BatchDuration = properties.GetMilliseconds("batchDurationMillis", TimeSpan.FromMilliseconds(1000)),
            BackoffSleepIncrement = increment,
            MaxBackoffSleep = max,
            UseFlumeEventFormat = properties.GetBoolean("useFlumeEventFormat", false),
            SetTopicHeader = properties.GetBoolean("setTopicHeader", true),
            TopicHeader = topicHeader.Trim(),
            TimestampHeader = string.IsNullOrWhiteSpace(timestampHeader) ? null : timestampHeader.Trim(),
            Headers = headers,
            GroupId = string.IsNullOrWhiteSpace(group) ? "flume" : group.Trim(),
            Consumer = KafkaClientProperties.Consumer(properties, bootstrap, string.IsNullOrWhiteSpace(group) ? "flume" : group.Trim()),
            Warnings = warnings,
        };
    }
}
