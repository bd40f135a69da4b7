using System.Buffers;
using Flume.Logging.Protocol.Avro;

namespace Flume.Logging.Protocol.Tests.Avro;

public class HeaderKeyDecodingTests
{
    [Fact]
    public void A_header_key_repeated_across_events_is_decoded_to_one_string() =>
        KeyCacheAssert.DecodesToOneString("flume.client.log4j.logger.name", () =>
            Decode(new FlumeEvent(new Dictionary<string, string> { ["flume.client.log4j.logger.name"] = "a" }, "x"u8.ToArray())).Headers.Keys.Single());

    [Fact]
    public void Thousands_of_distinct_keys_sharing_the_cache_each_decode_to_their_own_text()
    {
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 3_000; i++)
            {
                var key = $"key-{i}";
                var decoded = Decode(new FlumeEvent(new Dictionary<string, string> { [key] = "v" }, "b"u8.ToArray()));
                Assert.Equal(key, decoded.Headers.Keys.Single());
            }
        }
    }

    [Fact]
    public void A_key_that_is_not_valid_utf8_is_refused_every_time()
    {
        byte[] invalid = [0x02, 0x02, 0xC3, 0x00, 0x00, 0x00];
        for (var i = 0; i < 2; i++)
        {
            var reader = new AvroReader(invalid);
            Assert.Equal(OperationStatus.InvalidData, AvroEventCodec.ReadEvent(ref reader, out _));
        }
    }

    private static FlumeEvent Decode(FlumeEvent flumeEvent)
    {
        var output = new ArrayBufferWriter<byte>();
        AvroEventCodec.WriteEvent(output, flumeEvent);
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.Done, AvroEventCodec.ReadEvent(ref reader, out var decoded));
        return decoded!;
    }
}
