using System.Buffers;
using Flume.Logging.Protocol.Thrift;
using FsCheck;
using FsCheck.Fluent;

namespace Flume.Logging.Protocol.Tests.Thrift;

public sealed class ThriftPropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(200);

    private static readonly Gen<ThriftWireProtocol> Protocols = Gen.Elements(ThriftWireProtocol.Compact, ThriftWireProtocol.Binary);

    private static readonly Gen<string> Text =
        Gen.ListOf(Gen.Elements("a", "Z", "0", " ", "=", "\u00e9", "\u65e5\u672c", "\U0001F600", "\n")).Select(parts => string.Concat(parts));

    private static readonly Gen<FlumeEvent> Events =
        Gen.Zip(
            Gen.Choose(0, 4).SelectMany(n => Gen.ListOf(Gen.Zip(Text, Text), n)),
            Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)))
        .Select(t =>
        {
            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in t.Item1)
            {
                headers[key] = value;
            }

            return new FlumeEvent(headers, t.Item2);
        });

    private static readonly Gen<List<FlumeEvent>> Batches = Gen.Choose(0, 6).SelectMany(n => Gen.ListOf(Events, n)).Select(e => e.ToList());

    [Fact]
    public void Append_calls_round_trip() =>
        Check.One(Runs, Prop.ForAll(Zip3(Protocols, Events, Gen.Choose(int.MinValue, int.MaxValue)).ToArbitrary(), t =>
        {
            var (protocol, flumeEvent, seqId) = t;
            var output = new ArrayBufferWriter<byte>();
            ThriftMessageCodec.WriteAppendCall(protocol, output, seqId, flumeEvent);

            var status = ThriftMessageCodec.DecodeCall(protocol, output.WrittenSpan, 10, out var call, out var error);

            Assert.True(status == OperationStatus.Done, error.ToString());
            Assert.Equal((ThriftMethod.Append, seqId), (call.Method, call.SeqId));
            AssertSame([flumeEvent], [call.Event!]);
        }));

    [Fact]
    public void AppendBatch_calls_round_trip() =>
        Check.One(Runs, Prop.ForAll(Gen.Zip(Protocols, Batches).ToArbitrary(), t =>
        {
            var (protocol, batch) = t;
            var output = new ArrayBufferWriter<byte>();
            ThriftMessageCodec.WriteAppendBatchCall(protocol, output, 3, batch, 0, batch.Count);

            var status = ThriftMessageCodec.DecodeCall(protocol, output.WrittenSpan, 10, out var call, out var error);

            Assert.True(status == OperationStatus.Done, error.ToString());
            Assert.Equal(ThriftMethod.AppendBatch, call.Method);
            AssertSame(batch, call.Events!);
        }));

    [Fact]
    public void Replies_round_trip() =>
        Check.One(Runs, Prop.ForAll(Zip3(Protocols, Gen.Elements(Enum.GetValues<EventStatus>()), Gen.Choose(int.MinValue, int.MaxValue)).ToArbitrary(), t =>
        {
            var (protocol, status, seqId) = t;
            var output = new ArrayBufferWriter<byte>();
            ThriftMessageCodec.WriteReply(protocol, output, "appendBatch"u8, seqId, status);

            var decoded = ThriftMessageCodec.DecodeReply(protocol, output.WrittenSpan, "appendBatch"u8, seqId, out var reply, out var error);

            Assert.True(decoded == OperationStatus.Done, error.ToString());
            Assert.False(reply.IsException);
            Assert.Equal(status, reply.Status);
        }));

    [Fact]
    public void Random_bytes_are_rejected_without_throwing() =>
        Check.One(Runs.WithMaxTest(500), Prop.ForAll(Gen.Zip(Protocols, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))).ToArbitrary(), t =>
        {
            var (protocol, bytes) = t;
            AssertNeverThrows(protocol, bytes);
            ThriftFraming.TryReadFrame(new ReadOnlySequence<byte>(bytes), 1024, out _, out _);
        }));

    [Fact]
    public void Corrupted_valid_messages_decode_or_are_rejected_without_throwing() =>
        Check.One(Runs.WithMaxTest(500), Prop.ForAll(Zip3(Protocols, Batches, Zip3(Gen.Choose(0, int.MaxValue), Gen.Choose(0, 255), Gen.Choose(0, int.MaxValue))).ToArbitrary(), t =>
        {
            var (protocol, batch, (where, what, how)) = t;
            var output = new ArrayBufferWriter<byte>();
            ThriftMessageCodec.WriteAppendBatchCall(protocol, output, 1, batch, 0, batch.Count);
            var bytes = output.WrittenSpan.ToArray();
            bytes[where % bytes.Length] = (byte)what;
            bytes[how % bytes.Length] ^= 0x80;

            AssertNeverThrows(protocol, bytes);
        }));

    [Fact]
    public void Every_truncation_of_a_valid_frame_needs_more_data_or_is_invalid() =>
        Check.One(Runs.WithMaxTest(100), Prop.ForAll(Gen.Zip(Protocols, Batches).ToArbitrary(), t =>
        {
            var (protocol, batch) = t;
            var output = new ArrayBufferWriter<byte>();
            ThriftMessageCodec.WriteAppendBatchCall(protocol, output, 1, batch, 0, batch.Count);
            var message = output.WrittenSpan.ToArray();
            var framed = ThriftBytes.Framed(message);

            for (var length = 0; length < framed.Length; length++)
            {
                Assert.Equal(OperationStatus.NeedMoreData, ThriftFraming.TryReadFrame(new ReadOnlySequence<byte>(framed, 0, length), 1 << 20, out _, out _));
            }

            for (var length = 0; length < message.Length; length++)
            {
                Assert.Equal(OperationStatus.InvalidData, ThriftMessageCodec.DecodeCall(protocol, message.AsSpan(0, length), 10, out _, out _));
            }
        }));

    [Fact]
    public void Skipping_a_value_of_any_type_consumes_exactly_that_value() =>
        Check.One(Runs.WithMaxTest(300), Prop.ForAll(Gen.Zip(Protocols, ThriftValue.Any(3)).ToArbitrary(), t =>
        {
            var (protocol, value) = t;
            if (protocol == ThriftWireProtocol.Compact)
            {
                var bytes = ThriftBytes.Compact((ref CompactProtocolWriter w) => value.WriteTo(ref w));
                var reader = new CompactProtocolReader(bytes);
                Assert.True(ThriftSkipper.Skip(ref reader, bytes, value.Type), reader.Error.ToString());
                Assert.Equal(0, reader.Remaining);
            }
            else
            {
                var bytes = ThriftBytes.Binary((ref BinaryProtocolWriter w) => value.WriteTo(ref w));
                var reader = new BinaryProtocolReader(bytes);
                Assert.True(ThriftSkipper.Skip(ref reader, bytes, value.Type), reader.Error.ToString());
                Assert.Equal(0, reader.Remaining);
            }
        }));

    [Fact]
    public void Unknown_fields_of_every_type_are_skipped_around_known_ones() =>
        Check.One(Runs, Prop.ForAll(Zip3(Protocols, Batches, Gen.ArrayOf(ThriftValue.Any(2), 4)).ToArbitrary(), t =>
        {
            var (protocol, batch, extras) = t;
            var bytes = protocol == ThriftWireProtocol.Compact
                ? ThriftBytes.Compact((ref CompactProtocolWriter w) => WriteBatchWithExtras(ref w, batch, extras))
                : ThriftBytes.Binary((ref BinaryProtocolWriter w) => WriteBatchWithExtras(ref w, batch, extras));

            var status = ThriftMessageCodec.DecodeCall(protocol, bytes, 10, out var call, out var error);

            Assert.True(status == OperationStatus.Done, error.ToString());
            AssertSame(batch, call.Events!);
        }));

    private static Gen<(TA, TB, TC)> Zip3<TA, TB, TC>(Gen<TA> a, Gen<TB> b, Gen<TC> c) =>
        a.SelectMany(x => b.SelectMany(y => c.Select(z => (x, y, z))));

    private static void AssertNeverThrows(ThriftWireProtocol protocol, byte[] bytes)
    {
        var call = ThriftMessageCodec.DecodeCall(protocol, bytes, 10, out _, out var callError);
        Assert.True(call is OperationStatus.Done or OperationStatus.InvalidData);
        Assert.True(call == OperationStatus.Done || callError.Reason is not null);
        var reply = ThriftMessageCodec.DecodeReply(protocol, bytes, "appendBatch"u8, 1, out _, out _);
        Assert.True(reply is OperationStatus.Done or OperationStatus.InvalidData);
    }

    /// <summary>appendBatch with unknown fields before, between and after the known ones, ids chosen to need both compact field forms.</summary>
    private static void WriteBatchWithExtras<TWriter>(ref TWriter w, List<FlumeEvent> batch, ThriftValue[] extras)
        where TWriter : IThriftWriter
    {
        w.WriteMessageBegin("appendBatch"u8, ThriftMessageType.Call, 1);
        var args = w.WriteStructBegin();
        WriteField(ref w, 5, extras[0]);
        w.WriteFieldBegin(ThriftType.List, 1);
        w.WriteListBegin(ThriftType.Struct, batch.Count);
        foreach (var flumeEvent in batch)
        {
            var saved = w.WriteStructBegin();
            WriteField(ref w, 7, extras[1]);
            w.WriteFieldBegin(ThriftType.Map, 1);
            w.WriteMapBegin(ThriftType.String, ThriftType.String, flumeEvent.Headers.Count);
            foreach (var (key, value) in flumeEvent.Headers)
            {
                w.WriteString(key);
                w.WriteString(value);
            }

            WriteField(ref w, 30, extras[2]);
            w.WriteFieldBegin(ThriftType.String, 2);
            w.WriteBinary(flumeEvent.Body.Span);
            WriteField(ref w, -4, extras[3]);
            w.WriteStructEnd(saved);
        }

        WriteField(ref w, 2, extras[3]);
        w.WriteStructEnd(args);
    }

    private static void WriteField<TWriter>(ref TWriter w, short id, ThriftValue value)
        where TWriter : IThriftWriter
    {
        w.WriteFieldBegin(value.Type, id);
        value.WriteTo(ref w);
    }

    private static void AssertSame(List<FlumeEvent> expected, IReadOnlyList<FlumeEvent> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Body.ToArray(), actual[i].Body.ToArray());
            Assert.Equal(expected[i].Headers.OrderBy(h => h.Key, StringComparer.Ordinal), actual[i].Headers.OrderBy(h => h.Key, StringComparer.Ordinal));
        }
    }
}
