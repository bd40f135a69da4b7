using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;

namespace Flume.Logging.Relay.Sinks;

/// <summary>Flume's <c>null</c> sink: takes events in batches of <c>batchSize</c> (default 100) and discards them.</summary>
internal sealed class NullSink(string name, IChannel channel, int batchSize) : BatchSink(name, channel, batchSize)
{
    /// <summary>Flume's default <c>batchSize</c> for the null sink.</summary>
    internal const int DefaultBatchSize = 100;

    protected override ValueTask DeliverAsync(IReadOnlyList<FlumeEvent> batch, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;
}
