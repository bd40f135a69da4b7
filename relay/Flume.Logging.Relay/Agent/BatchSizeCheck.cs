using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Relay.Sources;

namespace Flume.Logging.Relay.Agent;

/// <summary>
/// Flume's source/sink and channel compatibility check: a source or sink whose batch is larger than the transaction
/// capacity of one of its channels would fail every full batch and retry it for ever, so the configuration is
/// refused instead, naming the channel's <c>transactionCapacity</c> key.
/// </summary>
internal static class BatchSizeCheck
{
    /// <param name="configuration">The agent.</param>
    /// <param name="transactionCapacity">A channel's transaction capacity by name (as it will be once a reload applies); null when it has none.</param>
    /// <param name="sources">The agent's sources by name.</param>
    /// <param name="sinks">The agent's sinks by name.</param>
    public static void Verify(
        AgentConfiguration configuration,
        Func<string, int?> transactionCapacity,
        IReadOnlyDictionary<string, ISource> sources,
        IReadOnlyDictionary<string, ISink> sinks)
    {
        foreach (var source in configuration.Sources)
        {
            if (sources[source.Name] is IBatchSizeSupported batching)
            {
                foreach (var channel in source.Channels)
                {
                    Verify(configuration, transactionCapacity, channel, batching.BatchSize, $"source {source.Name} puts");
                }
            }
        }

        foreach (var sink in configuration.Sinks)
        {
            if (sinks[sink.Name] is IBatchSizeSupported batching)
            {
                Verify(configuration, transactionCapacity, sink.Channel, batching.BatchSize, $"sink {sink.Name} takes");
            }
        }
    }

    private static void Verify(
        AgentConfiguration configuration, Func<string, int?> transactionCapacity, string channel, int batchSize, string user)
    {
        if (transactionCapacity(channel) is { } limit && limit < batchSize)
        {
            var properties = configuration.Channels.First(c => c.Name == channel).Context;
            throw properties.CreateError(
                "transactionCapacity",
                $"({limit}) is less than the batch of up to {batchSize} events {user} in one transaction: " +
                "a full batch could never commit. Raise transactionCapacity, or lower that batch size");
        }
    }
}
