using System.Runtime.CompilerServices;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Rpc;

namespace Flume.Logging.Relay.Sinks;

/// <summary>
/// Flume's <c>avro</c> and <c>thrift</c> sinks: send each batch to the next hop and commit the take only after
/// it answered OK. Anything else (refused, timed out, FAILED) rolls the batch back into the channel and the
/// runner backs off; the client reconnects on the next attempt.
/// </summary>
/// <remarks>
/// The RPC clients connect lazily and do not report connects, so the connection counters take the sink's view:
/// the first delivery after start or after a failure counts a connection created; a failure counts the
/// connection closed when one was up, or a connection failed when none was.
/// </remarks>
internal sealed class RpcSink(string name, IChannel channel, int batchSize, IRpcClient client) : BatchSink(name, channel, batchSize), IAsyncDisposable
{
    private bool _connected;

    public ValueTask DisposeAsync() => client.DisposeAsync();

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        if (_connected)
        {
            _connected = false;
            Counter.IncrementConnectionClosed();
        }

        return base.StopAsync(cancellationToken);
    }

    // Pooled: the sink makes one call per batch for as long as it runs.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask DeliverAsync(IReadOnlyList<FlumeEvent> batch, CancellationToken cancellationToken)
    {
        try
        {
            await client.AppendBatchAsync(batch, cancellationToken);
        }
        catch (EventDeliveryException)
        {
            if (_connected)
            {
                _connected = false;
                Counter.IncrementConnectionClosed();
            }
            else
            {
                Counter.IncrementConnectionFailed();
            }

            throw;
        }

        if (!_connected)
        {
            _connected = true;
            Counter.IncrementConnectionCreated();
        }
    }
}
