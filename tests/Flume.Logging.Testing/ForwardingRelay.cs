using Flume.Logging.Rpc;

namespace Flume.Logging.Testing;

/// <summary>
/// A real relay process (avro source -> memory channel -> avro sink) forwarding to an in-test Avro server, so a
/// test can send to <see cref="SourcePort"/> and check every delivered event, body and headers, in
/// <see cref="Received"/>.
/// </summary>
public sealed class ForwardingRelay : IAsyncDisposable
{
    private readonly IRpcServer _receiver;

    private ForwardingRelay(IRpcServer receiver, RecordingReceiver received, RelayProcess relay, int sourcePort)
    {
        _receiver = receiver;
        Received = received;
        Relay = relay;
        SourcePort = sourcePort;
    }

    /// <summary>Everything the relay delivered.</summary>
    public RecordingReceiver Received { get; }

    /// <summary>The relay process.</summary>
    public RelayProcess Relay { get; }

    /// <summary>The relay's avro source port on 127.0.0.1.</summary>
    public int SourcePort { get; }

    /// <summary>
    /// Starts the receiver, then the relay, both on ports the kernel picks, and waits until the relay reports the
    /// port its source listens on.
    /// </summary>
    public static async Task<ForwardingRelay> StartAsync(int channelCapacity = 200_000)
    {
        var received = new RecordingReceiver();
        var receiver = await received.ServeAvroAsync();
        var configuration = $"""
            a1.sources = avro
            a1.channels = mem
            a1.sinks = fwd
            a1.sources.avro.type = avro
            a1.sources.avro.bind = 127.0.0.1
            a1.sources.avro.port = 0
            a1.sources.avro.channels = mem
            a1.channels.mem.type = memory
            a1.channels.mem.capacity = {channelCapacity}
            a1.channels.mem.transactionCapacity = 1000
            a1.sinks.fwd.type = avro
            a1.sinks.fwd.channel = mem
            a1.sinks.fwd.hostname = 127.0.0.1
            a1.sinks.fwd.port = {receiver.LocalEndPoint.Port}
            a1.sinks.fwd.batch-size = 1000
            """;
        RelayProcess? relay = null;
        try
        {
            relay = await RelayProcess.StartRunningAsync(configuration);
            return new ForwardingRelay(receiver, received, relay, await relay.ListeningPortAsync("avro"));
        }
        catch
        {
            relay?.Dispose();
            await receiver.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Relay.Dispose();
        await _receiver.DisposeAsync();
    }
}
