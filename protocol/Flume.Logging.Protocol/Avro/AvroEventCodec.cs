using System.Buffers;

namespace Flume.Logging.Protocol.Avro;

/// <summary>
/// <see cref="FlumeEvent"/> as Flume's <c>AvroFlumeEvent { map&lt;string&gt; headers; bytes body; }</c> and the
/// <c>Status</c> enum (OK, FAILED, UNKNOWN).
/// </summary>
internal static class AvroEventCodec
{
    /// <summary>Smallest encoding of an event: an empty header map (one 0 byte) and an empty body (one 0 byte).</summary>
    public const int MinEventBytes = 2;

    /// <summary>
    /// Writes one event with one <c>GetSpan</c> and one <c>Advance</c> on <paramref name="output"/>: the event is
    /// sized first (exactly for packed headers and the body, by the UTF-8 worst case for string headers), then
    /// encoded straight into the span.
    /// </summary>
    public static void WriteEvent(IBufferWriter<byte> output, FlumeEvent flumeEvent)
    {
        // One look at the representation: a reader of Headers turns packed headers into a map, and the sizing and
        // the writing must see the same one.
        if (flumeEvent.TryGetPacked(out var packed))
        {
            var span = output.GetSpan(checked((int)MaxLength(packed, flumeEvent.Body.Length)));
            var written = AvroWriter.WriteLong(span, packed.Count);
            if (packed.TryGetAvroEntries(out var entries))
            {
                // Already Avro: the map's entries go out as they came in.
                entries.CopyTo(span[written..]);
                written += entries.Length;
            }
            else
            {
                foreach (var (key, value) in packed)
                {
                    // An Avro string is its UTF-8 bytes with a length: the same encoding as bytes.
                    written += AvroWriter.WriteBytes(span[written..], key);
                    written += AvroWriter.WriteBytes(span[written..], value);
                }
            }

            output.Advance(WriteBody(span, written, flumeEvent.Body.Span));
        }
        else if (flumeEvent.HeaderCount > 0)
        {
            var headers = flumeEvent.HeaderMap;
            var span = output.GetSpan(checked((int)MaxLength(headers, flumeEvent.Body.Length)));
            var written = AvroWriter.WriteLong(span, headers.Count);
            foreach (var header in headers)
            {
                written += AvroWriter.WriteString(span[written..], header.Key);
                written += AvroWriter.WriteString(span[written..], header.Value);
            }

            output.Advance(WriteBody(span, written, flumeEvent.Body.Span));
        }
        else
        {
            var body = flumeEvent.Body.Span;
            var span = output.GetSpan(1 + AvroWriter.MaxLongLength + body.Length);
            output.Advance(WriteBody(span, 0, body));
        }
    }

    public static void WriteEvents(IBufferWriter<byte> output, IReadOnlyList<FlumeEvent> events, int start, int count)
    {
        if (count > 0)
        {
            AvroWriter.WriteLong(output, count);
            for (var i = start; i < start + count; i++)
            {
                WriteEvent(output, events[i]);
            }
        }

        AvroWriter.WriteLong(output, 0);
    }

    // The end of the header map (a 0 block count) and the body, after the header blocks written so far.
    private static int WriteBody(Span<byte> span, int written, ReadOnlySpan<byte> body)
    {
        span[written++] = 0;
        return written + AvroWriter.WriteBytes(span[written..], body);
    }

    // The block count, each header with two length prefixes, the end of the map and the body with its length.
    private static long MaxLength(PackedHeaders packed, int bodyLength)
    {
        long length = AvroWriter.MaxLongLength + 1 + AvroWriter.MaxLongLength + bodyLength;
        foreach (var (key, value) in packed)
        {
            length += 2 * AvroWriter.MaxLongLength + key.Length + value.Length;
        }

        return length;
    }

    private static long MaxLength(Dictionary<string, string> headers, int bodyLength)
    {
        long length = AvroWriter.MaxLongLength + 1 + AvroWriter.MaxLongLength + bodyLength;
        foreach (var header in headers)
        {
            length += AvroWriter.MaxStringLength(header.Key) + AvroWriter.MaxStringLength(header.Value);
        }

        return length;
    }

    /// <summary>
    /// Reads one event. With <paramref name="borrowFrom"/>, whose bytes the reader reads, the body is a slice of that
    /// buffer instead of a copy, and so are the headers, kept as Avro encoded them until someone asks for them as
    /// strings (<see cref="PackedHeaders"/>).
    /// </summary>
    public static OperationStatus ReadEvent(ref AvroReader reader, out FlumeEvent? flumeEvent, EventBuffer? borrowFrom = null)
    {
        flumeEvent = null;
        var atHeaders = reader;
        var packed = default(PackedHeaders);
        Dictionary<string, string>? headers = null;
        if (borrowFrom is null || !TryReadPackedHeaders(ref reader, borrowFrom, out packed))
        {
            // Anything the packed form does not cover (several blocks, a repeated key, bad input) is read as a map,
            // which also reports what is wrong with it.
            reader = atHeaders;
            var status = ReadHeaderMap(ref reader, out headers);
            if (status != OperationStatus.Done)
            {
                return status;
            }
        }

        var bodyStatus = reader.ReadBytes(out var body);
        if (bodyStatus != OperationStatus.Done)
        {
            return bodyStatus;
        }

        flumeEvent = borrowFrom is null
            ? new FlumeEvent(headers, body.ToArray())
            : borrowFrom.NextEvent(packed, headers, borrowFrom.Memory.Slice(reader.Position - body.Length, body.Length));
        return OperationStatus.Done;
    }

    /// <summary>
    /// Reads the events of an appendBatch; <paramref name="borrowFrom"/> as for <see cref="ReadEvent"/>, and then the
    /// list is the buffer's own <see cref="EventBuffer.Events"/>, as are the event objects.
    /// </summary>
    public static OperationStatus ReadEvents(ref AvroReader reader, int maxEvents, out IReadOnlyList<FlumeEvent>? events, EventBuffer? borrowFrom = null)
    {
        events = null;
        var owned = borrowFrom is null ? new List<FlumeEvent>() : null;
        var read = 0;
        while (true)
        {
            var status = reader.ReadBlockCount(MinEventBytes, maxEvents - read, "appendBatch events", out var count);
            if (status != OperationStatus.Done)
            {
                return status;
            }

            if (count == 0)
            {
                events = owned ?? borrowFrom!.Events;
                return OperationStatus.Done;
            }

            owned?.EnsureCapacity(read + count);
            for (var i = 0; i < count; i++)
            {
                status = ReadEvent(ref reader, out var flumeEvent, borrowFrom);
                if (status != OperationStatus.Done)
                {
                    return status;
                }

                owned?.Add(flumeEvent!);
            }

            read += count;
        }
    }

    /// <summary>Reads the headers map into strings; null when it is empty.</summary>
    private static OperationStatus ReadHeaderMap(ref AvroReader reader, out Dictionary<string, string>? headers)
    {
        headers = null;
        while (true)
        {
            // A header is at least an empty key and an empty value: two length bytes.
            var status = reader.ReadBlockCount(2, int.MaxValue, "event headers", out var count);
            if (status != OperationStatus.Done)
            {
                return status;
            }

            if (count == 0)
            {
                return OperationStatus.Done;
            }

            headers ??= new Dictionary<string, string>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                status = reader.ReadKey(out var key);
                if (status != OperationStatus.Done)
                {
                    return status;
                }

                status = reader.ReadString(out var value);
                if (status != OperationStatus.Done)
                {
                    return status;
                }

                // Avro maps keep the last value of a repeated key, as Java's HashMap put does.
                headers[key] = value;
            }
        }
    }

    /// <summary>
    /// Reads a headers map that is one block of distinct, valid UTF-8 keys and values (what Flume's and our encoders
    /// write) as a slice of <paramref name="buffer"/>; false, with the reader anywhere, for anything else.
    /// </summary>
    private static bool TryReadPackedHeaders(ref AvroReader reader, EventBuffer buffer, out PackedHeaders packed)
    {
        packed = default;
        if (reader.ReadBlockCount(2, PackedHeaders.MaxWireEntries, "event headers", out var count) != OperationStatus.Done)
        {
            return false;
        }

        if (count == 0)
        {
            return true;
        }

        var start = reader.Position;
        for (var i = 0; i < 2 * count; i++)
        {
            if (reader.ReadBytes(out _) != OperationStatus.Done)
            {
                return false;
            }
        }

        var end = reader.Position;
        if (reader.ReadLong(out var nextBlock) != OperationStatus.Done || nextBlock != 0)
        {
            return false;
        }

        return PackedHeaders.TryFromWireEntries(buffer.Memory[start..end], count, PackedLayout.Avro, out packed);
    }

    public static void WriteStatus(IBufferWriter<byte> output, EventStatus status) =>
        AvroWriter.WriteInt(output, status switch
        {
            EventStatus.Ok => 0,
            EventStatus.Failed or EventStatus.Error => 1,
            _ => 2,
        });

    public static OperationStatus ReadStatus(ref AvroReader reader, out EventStatus status)
    {
        status = EventStatus.Unknown;
        var result = reader.ReadInt(out var index);
        if (result != OperationStatus.Done)
        {
            return result;
        }

        switch (index)
        {
            case 0:
                status = EventStatus.Ok;
                return OperationStatus.Done;
            case 1:
                status = EventStatus.Failed;
                return OperationStatus.Done;
            case 2:
                status = EventStatus.Unknown;
                return OperationStatus.Done;
            default:
                return reader.Invalid($"Status index {index} is not OK, FAILED or UNKNOWN");
        }
    }
}
