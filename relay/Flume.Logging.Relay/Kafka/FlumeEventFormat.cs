using System.Buffers;
using System.Runtime.InteropServices;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Avro;

namespace Flume.Logging.Relay.Kafka;

/// <summary>
/// Flume's event format on a Kafka topic (<c>useFlumeEventFormat</c>, <c>parseAsFlumeEvent</c>): one
/// <c>AvroFlumeEvent {headers: map&lt;string&gt;, body: bytes}</c> as a plain Avro binary datum per record, no
/// container and no schema, byte for byte what Flume's Kafka sink and channel write.
/// </summary>
internal static class FlumeEventFormat
{
    /// <summary>The record value of <paramref name="flumeEvent"/> in Flume's event format.</summary>
    public static byte[] Encode(FlumeEvent flumeEvent, ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        AvroEventCodec.WriteEvent(scratch, flumeEvent);
        return scratch.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The event a record value in Flume's event format holds. Bytes after the datum are ignored, as Flume's
    /// decoder does.
    /// </summary>
    /// <exception cref="InvalidDataException">The value is not an AvroFlumeEvent datum.</exception>
    public static FlumeEvent Decode(ReadOnlySpan<byte> value)
    {
        var reader = new AvroReader(value);
        var status = AvroEventCodec.ReadEvent(ref reader, out var flumeEvent);
        return status switch
        {
            OperationStatus.Done => flumeEvent!,
            OperationStatus.NeedMoreData => throw new InvalidDataException($"a Flume event (Avro) needs more than the record's {value.Length} bytes"),
            _ => throw new InvalidDataException($"not a Flume event (Avro): {reader.Error}"),
        };
    }

    /// <summary>The body as an array, without copying when it already is a whole array.</summary>
    public static byte[] BodyArray(FlumeEvent flumeEvent)
    {
        var body = flumeEvent.Body;
        // A borrowed body's array goes back to the pool when the take commits, before Kafka is done with it.
        return flumeEvent.Buffer is null && MemoryMarshal.TryGetArray(body, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : body.ToArray();
    }
}
