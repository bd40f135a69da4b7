using System.Text;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sources;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// The netcat source's connection handler: lines cut at newlines, lines over maxLineLength refused and their tails
/// skipped, each batch committed to a memory channel. Bit 4 of the control byte turns per-event acks off.
/// </summary>
internal sealed class NetcatTarget : IFuzzTarget
{
    public string Name => "netcat";

    public void Run(byte[] input)
    {
        var control = FuzzInput.Control(input);
        var channel = new MemoryChannel("c1", new MemoryChannelOptions { Capacity = 100_000, TransactionCapacity = 100 }, TimeProvider.System, NullLogger<MemoryChannel>.Instance);
        var processor = new ChannelProcessor(new ReplicatingChannelSelector([channel], []), [], NullLogger<ChannelProcessor>.Instance);
        var options = new NetcatSourceOptions { Bind = "127.0.0.1", Port = 1, MaxLineLength = 16, AckEveryEvent = (control & 0x10) == 0 };
        var source = new NetcatSource("r1", options, processor, TimeProvider.System, NullLoggerFactory.Instance);
        var connection = FakeConnection.Create(FuzzInput.Data(input), FuzzInput.SegmentLength(control));
        ((Rpc.Transport.IConnectionHandler)source).RunAsync(connection, CancellationToken.None).GetAwaiter().GetResult();
        connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public IEnumerable<byte[]> Seeds()
    {
        yield return FuzzInput.With(0, Encoding.ASCII.GetBytes("hello\nworld\n"));
        yield return FuzzInput.With(3, Encoding.ASCII.GetBytes("a line much longer than sixteen bytes\nshort\nno newline"));
        yield return FuzzInput.With(0x10, Encoding.ASCII.GetBytes("\n\n\r\nx\n"));
    }
}
