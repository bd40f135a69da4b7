using System.Globalization;
using Confluent.Kafka;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Kafka;

/// <summary>
/// Which partition a record goes to, as Flume's Kafka sink and channel decide it: the partition named by the
/// <c>partitionIdHeader</c> header when the event has it, else <c>defaultPartitionId</c>, else the producer's
/// partitioner (by the <c>key</c> header when there is one).
/// </summary>
internal sealed record KafkaPartitioning(int? DefaultPartitionId, string? PartitionIdHeader)
{
    /// <summary>Reads <c>defaultPartitionId</c> and <c>partitionIdHeader</c>.</summary>
    public static KafkaPartitioning From(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        int? partition = properties.GetString("defaultPartitionId") is null
            ? null
            : properties.GetInt32("defaultPartitionId", 0, 0, int.MaxValue);
        var header = properties.GetString("partitionIdHeader");
        return new KafkaPartitioning(partition, string.IsNullOrWhiteSpace(header) ? null : header.Trim());
    }

    /// <summary>The partition for <paramref name="flumeEvent"/>; <see cref="Partition.Any"/> leaves it to the partitioner.</summary>
    /// <exception cref="FormatException">The partition header holds no partition number.</exception>
    public Partition PartitionOf(FlumeEvent flumeEvent)
    {
        if (PartitionIdHeader is { } header && flumeEvent.Headers.TryGetValue(header, out var value))
        {
            return int.TryParse(value, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var id) && id >= 0
                ? new Partition(id)
                : throw new FormatException($"header {header} holds '{value}', which is not a partition number");
        }

        return DefaultPartitionId is { } partition ? new Partition(partition) : Partition.Any;
    }
}
