using System.Buffers;
using Flume.Logging.Protocol.Avro;
using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Protocol.Tests.Thrift;

public class ThriftHeaderKeyTests
{
    [Fact]
    public void A_header_key_repeated_across_calls_is_decoded_to_one_string() =>
        KeyCacheAssert.DecodesToOneString("flume.client.log4j.log.level", () => DecodeKeys(Frame("flume.client.log4j.log.level")));

    [Fact]
    public void A_key_thrift_decoded_leniently_from_invalid_utf8_is_still_refused_by_the_avro_decoder()
    {
        var frame = Frame("ZQ");
        frame[frame.AsSpan().IndexOf("ZQ"u8)] = 0xC3;

        Assert.Equal("\uFFFDQ", DecodeKeys(frame));
        byte[] avro = [0x02, 0x04, 0xC3, (byte)'Q', 0x00, 0x00, 0x00];
        var reader = new AvroReader(avro);
        Assert.Equal(OperationStatus.InvalidData, AvroEventCodec.ReadEvent(ref reader, out _));
    }

    private static byte[] Frame(string key)
    {
        var output = new ArrayBufferWriter<byte>();
        var flumeEvent = new FlumeEvent(new Dictionary<string, string> { [key] = "v" }, "body"u8.ToArray());
        ThriftMessageCodec.WriteAppendBatchCall(ThriftWireProtocol.Compact, output, 1, [flumeEvent], 0, 1);
        return output.WrittenSpan.ToArray();
    }

    private static string DecodeKeys(byte[] frame)
    {
        Assert.Equal(OperationStatus.Done, ThriftMessageCodec.DecodeCall(ThriftWireProtocol.Compact, frame, 10, out var call, out _));
        return call.Events!.Single().Headers.Keys.Single();
    }
}
