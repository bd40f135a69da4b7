using System.Buffers;
using Flume.Logging.Protocol.Tests.Avro;
using Flume.Logging.Protocol.Tests.Thrift.Oracle.Generated;
using Flume.Logging.Protocol.Thrift;
using FsCheck;
using FsCheck.Fluent;
using Thrift;
using Thrift.Protocol;
using Thrift.Protocol.Entities;
using Thrift.Transport;
using Thrift.Transport.Client;
using Status = Flume.Logging.Protocol.Tests.Thrift.Oracle.Generated.Status;

namespace Flume.Logging.Protocol.Tests.Oracles;

/// <summary>
/// Our hand-written Thrift codec against the code Apache Thrift generates from Flume's IDL (Thrift/Oracle), run on
/// the ApacheThrift runtime over memory buffers: calls, replies and exceptions, in both protocols, both ways.
/// </summary>
public class ApacheThriftOracleTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(150);


    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Apache_thrift_reads_every_append_and_append_batch_call_we_write(bool compact)
    {
        var wire = compact ? ThriftWireProtocol.Compact : ThriftWireProtocol.Binary;
        Prop.ForAll(AvroGenerators.Batch.ToArbitrary(), events =>
        {
            var output = new ArrayBufferWriter<byte>();
            ThriftMessageCodec.WriteAppendBatchCall(wire, output, 41, events, 0, events.Length);
            var (message, protocol) = ReadMessage(wire, output.WrittenSpan.ToArray());
            Assert.Equal(("appendBatch", TMessageType.Call, 41), (message.Name, message.Type, message.SeqID));
            var args = new ThriftSourceProtocol.InternalStructs.appendBatch_args();
            args.ReadAsync(protocol, CancellationToken.None).GetAwaiter().GetResult();
            Assert.Equal(events.Length, args.Events.Count);
            for (var i = 0; i < events.Length; i++)
            {
                AssertSame(events[i], args.Events[i]);
            }

            if (events.Length > 0)
            {
                output.Clear();
                ThriftMessageCodec.WriteAppendCall(wire, output, -7, events[0]);
                (message, protocol) = ReadMessage(wire, output.WrittenSpan.ToArray());
                Assert.Equal(("append", TMessageType.Call, -7), (message.Name, message.Type, message.SeqID));
                var single = new ThriftSourceProtocol.InternalStructs.append_args();
                single.ReadAsync(protocol, CancellationToken.None).GetAwaiter().GetResult();
                AssertSame(events[0], single.Event);
            }
        }).Check(Runs);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void We_decode_every_call_the_generated_client_sends(bool compact)
    {
        var wire = compact ? ThriftWireProtocol.Compact : ThriftWireProtocol.Binary;
        Prop.ForAll(AvroGenerators.Batch.ToArbitrary(), events =>
        {
            var theirs = events.Select(ToThrift).ToList();
            var batch = Send(wire, client => client.send_appendBatch(theirs));
            Assert.Equal(OperationStatus.Done, ThriftMessageCodec.DecodeCall(wire, batch, int.MaxValue, out var call, out var error));
            Assert.Null(error.Reason);
            Assert.Equal(ThriftMethod.AppendBatch, call.Method);
            Assert.Equal(events.Length, call.Events!.Count);
            for (var i = 0; i < events.Length; i++)
            {
                Assert.True(AvroGenerators.SameEvent(events[i], call.Events![i]));
            }

            if (events.Length > 0)
            {
                var single = Send(wire, client => client.send_append(theirs[0]));
                Assert.Equal(OperationStatus.Done, ThriftMessageCodec.DecodeCall(wire, single, int.MaxValue, out call, out _));
                Assert.Equal(ThriftMethod.Append, call.Method);
                Assert.True(AvroGenerators.SameEvent(events[0], call.Event!));
            }
        }).Check(Runs);
    }

    [Theory]
    [InlineData(true, EventStatus.Ok, Status.OK)]
    [InlineData(true, EventStatus.Failed, Status.FAILED)]
    [InlineData(true, EventStatus.Error, Status.ERROR)]
    [InlineData(true, EventStatus.Unknown, Status.UNKNOWN)]
    [InlineData(false, EventStatus.Ok, Status.OK)]
    [InlineData(false, EventStatus.Failed, Status.FAILED)]
    [InlineData(false, EventStatus.Error, Status.ERROR)]
    [InlineData(false, EventStatus.Unknown, Status.UNKNOWN)]
    public async Task Replies_agree_with_the_generated_client_and_processor(bool compact, EventStatus ours, Status theirs)
    {
        var wire = compact ? ThriftWireProtocol.Compact : ThriftWireProtocol.Binary;
        foreach (var (name, batch) in new[] { ("append", false), ("appendBatch", true) })
        {
            // Our reply, read by the generated client.
            var output = new ArrayBufferWriter<byte>();
            ThriftMessageCodec.WriteReply(wire, output, System.Text.Encoding.UTF8.GetBytes(name), 5, ours);
            using var client = new ThriftSourceProtocol.Client(Protocol(wire, new TMemoryBufferTransport(output.WrittenSpan.ToArray(), new TConfiguration())));
            Assert.Equal(theirs, batch ? await client.recv_appendBatch() : await client.recv_append());

            // The generated processor's reply, read by us.
            var call = Send(wire, c => batch ? c.send_appendBatch([]) : c.send_append(new ThriftFlumeEvent([], [])));
            var reply = await Process(wire, call, new Handler(() => theirs));
            var status = ThriftMessageCodec.DecodeReply(wire, reply, System.Text.Encoding.UTF8.GetBytes(name), SentSeqId, out var decoded, out var error);
            Assert.True(status == OperationStatus.Done, error.ToString());
            Assert.False(decoded.IsException);
            Assert.Equal(ours, decoded.Status);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Application_exceptions_agree_with_the_generated_client_and_processor(bool compact)
    {
        var wire = compact ? ThriftWireProtocol.Compact : ThriftWireProtocol.Binary;
        // Ours, as the generated client sees it.
        var output = new ArrayBufferWriter<byte>();
        ThriftMessageCodec.WriteApplicationException(wire, output, "appendBatch"u8, 9, "channel full: é中", (int)TApplicationException.ExceptionType.InternalError);
        using var client = new ThriftSourceProtocol.Client(Protocol(wire, new TMemoryBufferTransport(output.WrittenSpan.ToArray(), new TConfiguration())));
        var thrown = await Assert.ThrowsAsync<TApplicationException>(() => client.recv_appendBatch());
        Assert.Equal("channel full: é中", thrown.Message);
        Assert.Equal(TApplicationException.ExceptionType.InternalError, thrown.Type);

        // A generated server whose handler throws answers with an exception that we decode, with its type.
        var call = Send(wire, c => c.send_append(new ThriftFlumeEvent([], [1])));
        var reply = await Process(wire, call, new Handler(() => throw new InvalidOperationException("handler broke")));
        Assert.Equal(OperationStatus.Done, ThriftMessageCodec.DecodeReply(wire, reply, "append"u8, SentSeqId, out var decoded, out _));
        Assert.True(decoded.IsException);
        Assert.Equal((int)TApplicationException.ExceptionType.InternalError, decoded.ExceptionType);
        Assert.False(string.IsNullOrEmpty(decoded.ExceptionMessage));

        // And a call to a function the generated server does not know gets UnknownMethod, as ours answers.
        var unknown = WriteMessage(wire, new TMessage("appendMany", TMessageType.Call, 3), p => new ThriftSourceProtocol.InternalStructs.append_args().WriteAsync(p, CancellationToken.None));
        reply = await Process(wire, unknown, new Handler(() => Status.OK));
        Assert.Equal(OperationStatus.Done, ThriftMessageCodec.DecodeReply(wire, reply, "appendMany"u8, 3, out decoded, out _));
        Assert.True(decoded.IsException);
        Assert.Equal((int)TApplicationException.ExceptionType.UnknownMethod, decoded.ExceptionType);

        output.Clear();
        ThriftMessageCodec.WriteApplicationException(wire, output, "appendMany"u8, 3, "Invalid method name: 'appendMany'", (int)TApplicationException.ExceptionType.UnknownMethod);
        Assert.Equal(reply, output.WrittenSpan.ToArray());
    }

    /// <summary>The sequence id a fresh generated client gives its first call.</summary>
    private const int SentSeqId = 1;

    private static (TMessage Message, TProtocol Protocol) ReadMessage(ThriftWireProtocol wire, byte[] bytes)
    {
        var protocol = Protocol(wire, new TMemoryBufferTransport(bytes, new TConfiguration()));
        return (protocol.ReadMessageBeginAsync().AsTask().GetAwaiter().GetResult(), protocol);
    }

    private static byte[] Send(ThriftWireProtocol wire, Func<ThriftSourceProtocol.Client, Task> send)
    {
        using var transport = new TMemoryBufferTransport(new TConfiguration());
        using var client = new ThriftSourceProtocol.Client(Protocol(wire, transport));
        send(client).GetAwaiter().GetResult();
        return transport.GetBuffer();
    }

    private static byte[] WriteMessage(ThriftWireProtocol wire, TMessage message, Func<TProtocol, Task> body)
    {
        using var transport = new TMemoryBufferTransport(new TConfiguration());
        var protocol = Protocol(wire, transport);
        protocol.WriteMessageBeginAsync(message).GetAwaiter().GetResult();
        body(protocol).GetAwaiter().GetResult();
        protocol.WriteMessageEndAsync().GetAwaiter().GetResult();
        return transport.GetBuffer();
    }

    private static async Task<byte[]> Process(ThriftWireProtocol wire, byte[] call, ThriftSourceProtocol.IAsync handler)
    {
        using var input = new TMemoryBufferTransport(call, new TConfiguration());
        using var output = new TMemoryBufferTransport(new TConfiguration());
        await new ThriftSourceProtocol.AsyncProcessor(handler, Microsoft.Extensions.Logging.Abstractions.NullLogger<ThriftSourceProtocol.AsyncProcessor>.Instance).ProcessAsync(Protocol(wire, input), Protocol(wire, output));
        return output.GetBuffer();
    }

    private static TProtocol Protocol(ThriftWireProtocol wire, TTransport transport) =>
        wire == ThriftWireProtocol.Compact ? new TCompactProtocol(transport) : new TBinaryProtocol(transport);

    private static ThriftFlumeEvent ToThrift(FlumeEvent flumeEvent) =>
        new(new Dictionary<string, string>(flumeEvent.Headers, StringComparer.Ordinal), flumeEvent.Body.ToArray());

    private static void AssertSame(FlumeEvent expected, ThriftFlumeEvent actual)
    {
        Assert.True(AvroGenerators.SameEvent(expected, new FlumeEvent(actual.Headers, actual.Body)));
    }

    private sealed class Handler(Func<Status> answer) : ThriftSourceProtocol.IAsync
    {
        public Task<Status> append(ThriftFlumeEvent @event, CancellationToken cancellationToken = default) => Task.FromResult(answer());

        public Task<Status> appendBatch(List<ThriftFlumeEvent> events, CancellationToken cancellationToken = default) => Task.FromResult(answer());
    }
}
