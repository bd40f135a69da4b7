using Flume.Logging.Relay.Channels;
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
    public static void Verify(
        AgentConfiguration configuration,
        IReadOnlyDictionary<string, IChannel> channels,
        IReadOnlyDictionary<string, ISource> sources,
        IReadOnlyDictionary<string, ISink> sinks)
    {
        foreach (var source in configuration.Sources)
        {
            if (sources[source.Name] is IBatchSizeSupported batching)
            {
                foreach (var channel in source.Channels)
                {
                    Verify(configuration, channels, channel, batching.BatchSize, $"source {source.Name} puts");
                }
            }
        }

        foreach (var sink in configuration.Sinks)
        {
            if (sinks[sink.Name] is IBatchSizeSupported batching)
            {
                Verify(configuration, channels, sink.Channel, batching.BatchSize, $"sink {sink.Name} takes");
            }
        }
    }

    private static void Verify(
        AgentConfiguration configuration, IReadOnlyDictionary<string, IChannel> channels, string channel, int batchSize, string user)
    {
        if (channels[channel] is ITransactionCapacitySupported limited && limited.TransactionCapacity < batchSize)
        {
            var properties = configuration.Channels.First(c => c.Name == channel).Context;
            throw properties.CreateError(
                "transactionCapacity",
                $"({limited.TransactionCapacity}) is less than the batch of up to {batchSize} events {user} in one transaction: " +
                "a full batch could never commit. Raise transactionCapacity, or lower that batch size");
        }
    }
}
