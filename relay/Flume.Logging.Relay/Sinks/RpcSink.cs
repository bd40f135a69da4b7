using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Rpc;

namespace Flume.Logging.Relay.Sinks;

/// <summary>
/// Flume's <c>avro</c> and <c>thrift</c> sinks: send each batch to the next hop and commit the take only after
/// it answered OK. Anything else (refused, timed out, FAILED) rolls the batch back into the channel and the
/// runner backs off; the client reconnects on the next attempt.
/// </summary>
internal sealed class RpcSink(string name, IChannel channel, int batchSize, IRpcClient client) : BatchSink(name, channel, batchSize), IAsyncDisposable
{
    public ValueTask DisposeAsync() => client.DisposeAsync();

    protected override ValueTask DeliverAsync(IReadOnlyList<FlumeEvent> batch, CancellationToken cancellationToken) =>
        client.AppendBatchAsync(batch, cancellationToken);
}
