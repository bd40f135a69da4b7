using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Selectors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Sources;

/// <summary>The channel side of source tests: a memory channel, a processor feeding a channel, and taking all it holds.</summary>
internal static class SourceTestChannel
{
    /// <summary>A memory channel of <paramref name="capacity"/> (also its transaction capacity) that waits <paramref name="keepAlive"/> for room; zero refuses at once.</summary>
    public static MemoryChannel Create(int capacity, TimeSpan keepAlive) => new(
        "c1",
        new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = capacity, KeepAlive = keepAlive },
        TimeProvider.System,
        NullLogger<MemoryChannel>.Instance);

    /// <summary>A processor without interceptors that puts every event into <paramref name="channel"/>.</summary>
    public static ChannelProcessor ProcessorFor(IChannel channel) =>
        new(new ReplicatingChannelSelector([channel], []), [], NullLogger<ChannelProcessor>.Instance);

    /// <summary>Takes every event now in <paramref name="channel"/>, one transaction each, adding them to <paramref name="events"/>.</summary>
    public static List<FlumeEvent> TakeAll(IChannel channel, List<FlumeEvent> events)
    {
        while (true)
        {
            using var transaction = channel.BeginTransaction();
            var taken = transaction.Take();
            transaction.CommitAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (taken is null)
            {
                return events;
            }

            events.Add(taken);
        }
    }
}
