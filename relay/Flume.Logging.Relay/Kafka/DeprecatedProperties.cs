using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Kafka;

/// <summary>
/// The pre-1.7 property names Flume's Kafka components still map to the current ones (<c>brokerList</c>,
/// <c>topic</c>, <c>groupId</c> ...): the current name wins when both are set, and each old one used is reported.
/// </summary>
internal static class DeprecatedProperties
{
    /// <summary>The value of <paramref name="key"/>, else of <paramref name="oldKey"/> (noted in <paramref name="warnings"/>), else null.</summary>
    public static string? Read(ComponentContext properties, string key, string oldKey, List<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(warnings);
        var current = properties.GetString(key);
        var old = properties.GetString(oldKey);
        if (old is not null)
        {
            warnings.Add(current is null
                ? $"{properties.FullKey(oldKey)} is deprecated and is read as {properties.FullKey(key)}; rename it"
                : $"{properties.FullKey(oldKey)} is deprecated and ignored because {properties.FullKey(key)} is set");
        }

        return current ?? old;
    }

    /// <summary><c>kafka.bootstrap.servers</c>, or the deprecated <c>brokerList</c> of the sink and channel.</summary>
    public static string BootstrapServers(ComponentContext properties, List<string> warnings)
    {
        var servers = Read(properties, "kafka.bootstrap.servers", "brokerList", warnings);
        var key = properties.GetString("kafka.bootstrap.servers") is null && servers is not null ? "brokerList" : "kafka.bootstrap.servers";
        return KafkaClientProperties.BootstrapServers(properties, key);
    }
}
