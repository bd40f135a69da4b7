using System.Buffers;
using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Protocol.Tests.Thrift;

public sealed class ThriftMessageCodecTests
{
    [Fact]
    public void Writes_a_compact_OK_reply_as_Thrift_does()
    {
        var output = new ArrayBufferWriter<byte>();

        ThriftMessageCodec.WriteReply(ThriftWireProtocol.Compact, output, "append"u8, 1, EventStatus.Ok);

        // REPLY, seqid 1, "append", then append_result { 0: i32 success = 0 } with the long field form for id 0.
        byte[] expected = [0x82, 0x41, 1, 6, .. "append"u8, 0x05, 0x00, 0x00, 0x00];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Writes_a_binary_FAILED_reply_as_Thrift_does()
    {
        var output = new ArrayBufferWriter<byte>();

        ThriftMessageCodec.WriteReply(ThriftWireProtocol.Binary, output, "appendBatch"u8, 9, EventStatus.Failed);

        byte[] expected = [0x80, 1, 0, 2, 0, 0, 0, 11, .. "appendBatch"u8, 0, 0, 0, 9, 8, 0, 0, 0, 0, 0, 1, 0];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData("Compact")]
    [InlineData("Binary")]
    public void Decodes_a_TApplicationException_reply(string protocolName)
    {
        var protocol = Enum.Parse<ThriftWireProtocol>(protocolName);
        var output = new ArrayBufferWriter<byte>();
        ThriftMessageCodec.WriteApplicationException(protocol, output, "append"u8, 4, "Unknown function append", ThriftApplicationErrorType.UnknownMethod);

        var status = ThriftMessageCodec.DecodeReply(protocol, output.WrittenSpan, "append"u8, 4, out var reply, out _);

        Assert.Equal(OperationStatus.Done, status);
        Assert.True(reply.IsException);
        Assert.Equal("Unknown function append", reply.ExceptionMessage);
        Assert.Equal(ThriftApplicationErrorType.UnknownMethod, reply.ExceptionType);
    }

    [Theory]
    [InlineData("Compact")]
    [InlineData("Binary")]
    public void Rejects_a_reply_to_another_call(string protocolName)
    {
        var protocol = Enum.Parse<ThriftWireProtocol>(protocolName);
        var output = new ArrayBufferWriter<byte>();
        ThriftMessageCodec.WriteReply(protocol, output, "append"u8, 4, EventStatus.Ok);

        Assert.Equal(OperationStatus.InvalidData, ThriftMessageCodec.DecodeReply(protocol, output.WrittenSpan, "append"u8, 5, out _, out var seqError));
        Assert.Equal("reply has another sequence id", seqError.Reason);
        Assert.Equal(OperationStatus.InvalidData, ThriftMessageCodec.DecodeReply(protocol, output.WrittenSpan, "appendBatch"u8, 4, out _, out var nameError));
        Assert.Equal("reply names another method", nameError.Reason);
    }

    [Theory]
    [InlineData(0, EventStatus.Ok)]
    [InlineData(1, EventStatus.Failed)]
    [InlineData(2, EventStatus.Error)]
    [InlineData(3, EventStatus.Unknown)]
    [InlineData(17, EventStatus.Unknown)]
    public void Maps_Thrift_status_values(int wire, EventStatus status)
    {
        Assert.Equal(status, ThriftMessageCodec.FromWire(wire));
    }

    [Theory]
    [InlineData("Compact")]
    [InlineData("Binary")]
    public void Decodes_an_unknown_method_with_its_name_and_skipped_arguments(string protocolName)
    {
        var protocol = Enum.Parse<ThriftWireProtocol>(protocolName);
        var frame = Message(protocol, "bogus"u8.ToArray(), static (ref CompactProtocolWriter w) =>
        {
            w.WriteFieldBegin(ThriftType.List, 1);
            w.WriteListBegin(ThriftType.I64, 2);
            w.WriteI64(1);
            w.WriteI64(2);
        }, static (ref BinaryProtocolWriter w) =>
        {
            w.WriteFieldBegin(ThriftType.List, 1);
            w.WriteListBegin(ThriftType.I64, 2);
            w.WriteI64(1);
            w.WriteI64(2);
        });

        var status = ThriftMessageCodec.DecodeCall(protocol, frame, 100, out var call, out _);

        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal(ThriftMethod.Unknown, call.Method);
        Assert.Equal("bogus"u8.ToArray(), frame.AsSpan(call.NameStart, call.NameLength).ToArray());
    }

    [Theory]
    [InlineData("Compact")]
    [InlineData("Binary")]
    public void Rejects_an_event_without_its_required_body(string protocolName)
    {
        var protocol = Enum.Parse<ThriftWireProtocol>(protocolName);
        var frame = Message(protocol, "append"u8.ToArray(), static (ref CompactProtocolWriter w) =>
        {
            w.WriteFieldBegin(ThriftType.Struct, 1);
            var saved = w.WriteStructBegin();
            w.WriteFieldBegin(ThriftType.Map, 1);
            w.WriteMapBegin(ThriftType.String, ThriftType.String, 0);
            w.WriteStructEnd(saved);
        }, static (ref BinaryProtocolWriter w) =>
        {
            w.WriteFieldBegin(ThriftType.Struct, 1);
            var saved = w.WriteStructBegin();
            w.WriteFieldBegin(ThriftType.Map, 1);
            w.WriteMapBegin(ThriftType.String, ThriftType.String, 0);
            w.WriteStructEnd(saved);
        });

        var status = ThriftMessageCodec.DecodeCall(protocol, frame, 100, out _, out var error);

        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal("event lacks its required body field", error.Reason);
    }

    [Theory]
    [InlineData("Compact")]
    [InlineData("Binary")]
    public void Rejects_a_batch_over_the_cap_before_building_any_event(string protocolName)
    {
        var protocol = Enum.Parse<ThriftWireProtocol>(protocolName);
        var output = new ArrayBufferWriter<byte>();
        var events = Enumerable.Range(0, 6).Select(i => FlumeEvent.FromText("e" + i)).ToList();
        ThriftMessageCodec.WriteAppendBatchCall(protocol, output, 1, events, 0, events.Count);

        var status = ThriftMessageCodec.DecodeCall(protocol, output.WrittenSpan, 5, out var call, out var error);

        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal(("appendBatch carries more events than the maximum batch size", 6L), (error.Reason, error.Value));
        Assert.Null(call.Events);
    }

    [Theory]
    [InlineData("Compact")]
    [InlineData("Binary")]
    public void Rejects_bytes_after_the_message(string protocolName)
    {
        var protocol = Enum.Parse<ThriftWireProtocol>(protocolName);
        var output = new ArrayBufferWriter<byte>();
        ThriftMessageCodec.WriteAppendCall(protocol, output, 1, FlumeEvent.FromText("x"));
        byte[] frame = [.. output.WrittenSpan, 0];

        var status = ThriftMessageCodec.DecodeCall(protocol, frame, 5, out _, out var error);

        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal("bytes follow the message in the frame", error.Reason);
    }

    [Fact]
    public void Rejects_a_reply_sent_as_a_call()
    {
        var output = new ArrayBufferWriter<byte>();
        ThriftMessageCodec.WriteReply(ThriftWireProtocol.Compact, output, "append"u8, 1, EventStatus.Ok);

        var status = ThriftMessageCodec.DecodeCall(ThriftWireProtocol.Compact, output.WrittenSpan, 5, out _, out var error);

        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal("message is not a CALL", error.Reason);
    }

    [Fact]
    public void Rejects_nesting_deeper_than_Thrifts_recursion_limit()
    {
        var frame = Message(ThriftWireProtocol.Binary, "append"u8.ToArray(), static (ref CompactProtocolWriter w) => { }, static (ref BinaryProtocolWriter w) =>
        {
            w.WriteFieldBegin(ThriftType.List, 9);
            for (var i = 0; i < 100; i++)
            {
                w.WriteListBegin(ThriftType.List, 1);
            }

            w.WriteListBegin(ThriftType.List, 0);
        });

        var status = ThriftMessageCodec.DecodeCall(ThriftWireProtocol.Binary, frame, 5, out _, out var error);

        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal("values are nested too deeply", error.Reason);
    }

    /// <summary>A CALL message whose argument struct's fields are written by the callback for the protocol.</summary>
    private static byte[] Message(ThriftWireProtocol protocol, byte[] name, ThriftBytes.CompactWrite compactFields, ThriftBytes.BinaryWrite binaryFields) =>
        protocol == ThriftWireProtocol.Compact
            ? ThriftBytes.Compact((ref CompactProtocolWriter w) =>
            {
                w.WriteMessageBegin(name, ThriftMessageType.Call, 1);
                var saved = w.WriteStructBegin();
                compactFields(ref w);
                w.WriteStructEnd(saved);
            })
            : ThriftBytes.Binary((ref BinaryProtocolWriter w) =>
            {
                w.WriteMessageBegin(name, ThriftMessageType.Call, 1);
                var saved = w.WriteStructBegin();
                binaryFields(ref w);
                w.WriteStructEnd(saved);
            });
}
