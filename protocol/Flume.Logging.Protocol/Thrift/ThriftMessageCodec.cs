using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Flume.Logging.Protocol.Thrift;

/// <summary>
/// Encodes and decodes ThriftSourceProtocol messages (calls, replies, TApplicationException) inside one frame,
/// for either protocol. Decoders return Done or InvalidData (a frame is always complete) and never throw on bad
/// input.
/// </summary>
internal static class ThriftMessageCodec
{
    /// <summary>The event field of <c>append_args</c>, the list field of <c>appendBatch_args</c>, the event's headers.</summary>
    private const short FirstField = 1;

    /// <summary>The event's body field.</summary>
    private const short BodyField = 2;

    /// <summary>The <c>success</c> field of a result struct.</summary>
    private const short SuccessField = 0;

    /// <summary>The <c>type</c> field of TApplicationException (field 1 is its message).</summary>
    private const short ExceptionTypeField = 2;

    /// <summary>Name of the single-event call.</summary>
    public static ReadOnlySpan<byte> AppendName => "append"u8;

    /// <summary>Name of the batch call.</summary>
    public static ReadOnlySpan<byte> AppendBatchName => "appendBatch"u8;

    /// <summary>
    /// The protocol whose message header <paramref name="message"/> starts with: compact (protocol id 0x82, version 1)
    /// or strict binary (0x8001); null for neither. For naming what a peer spoke when a message fails to decode.
    /// </summary>
    public static ThriftWireProtocol? ProtocolOf(ReadOnlySpan<byte> message)
    {
        if (message.Length >= 2 && message[0] == CompactProtocolReader.ProtocolId && (message[1] & 0x1f) == CompactProtocolReader.Version)
        {
            return ThriftWireProtocol.Compact;
        }

        return message.Length >= 2 && BinaryPrimitives.ReadUInt16BigEndian(message) == BinaryProtocolReader.Version1 >> 16
            ? ThriftWireProtocol.Binary
            : null;
    }

    /// <summary>
    /// Decodes a call. Frames that name an unknown function decode as <see cref="ThriftMethod.Unknown"/> (their
    /// arguments skipped) so the server can answer as Thrift does. A batch of more than
    /// <paramref name="maxBatchSize"/> events is InvalidData. With <paramref name="borrowFrom"/>, whose bytes
    /// <paramref name="frame"/> is, event bodies are slices of it instead of copies (see <see cref="EventBuffer"/>).
    /// </summary>
    public static OperationStatus DecodeCall(
        ThriftWireProtocol protocol, ReadOnlySpan<byte> frame, int maxBatchSize, out ThriftCall call, out ThriftDecodeError error, EventBuffer? borrowFrom = null)
    {
        // The first pass checks the whole frame without allocating, so a rejected frame costs nothing;
        // the second, which cannot fail then, builds the events.
        error = default;
        if (protocol == ThriftWireProtocol.Compact)
        {
            var check = new CompactProtocolReader(frame);
            if (!ReadCall(ref check, frame, maxBatchSize, materialize: false, null, out call))
            {
                error = check.Error;
                return OperationStatus.InvalidData;
            }

            var build = new CompactProtocolReader(frame);
            ReadCall(ref build, frame, maxBatchSize, materialize: true, borrowFrom, out call);
        }
        else
        {
            var check = new BinaryProtocolReader(frame);
            if (!ReadCall(ref check, frame, maxBatchSize, materialize: false, null, out call))
            {
                error = check.Error;
                return OperationStatus.InvalidData;
            }

            var build = new BinaryProtocolReader(frame);
            ReadCall(ref build, frame, maxBatchSize, materialize: true, borrowFrom, out call);
        }

        return OperationStatus.Done;
    }

    /// <summary>
    /// Decodes the answer to the call named <paramref name="expectedName"/> with <paramref name="expectedSeqId"/>.
    /// A reply for another call, a reply without a result, or trailing bytes are InvalidData.
    /// </summary>
    public static OperationStatus DecodeReply(ThriftWireProtocol protocol, ReadOnlySpan<byte> frame, ReadOnlySpan<byte> expectedName, int expectedSeqId, out ThriftReply reply, out ThriftDecodeError error)
    {
        error = default;
        if (protocol == ThriftWireProtocol.Compact)
        {
            var reader = new CompactProtocolReader(frame);
            if (!ReadReply(ref reader, frame, expectedName, expectedSeqId, out reply))
            {
                error = reader.Error;
                return OperationStatus.InvalidData;
            }
        }
        else
        {
            var reader = new BinaryProtocolReader(frame);
            if (!ReadReply(ref reader, frame, expectedName, expectedSeqId, out reply))
            {
                error = reader.Error;
                return OperationStatus.InvalidData;
            }
        }

        return OperationStatus.Done;
    }

    /// <summary>Writes an <c>append</c> call (message only, no frame prefix).</summary>
    public static void WriteAppendCall(ThriftWireProtocol protocol, IBufferWriter<byte> output, int seqId, FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        if (protocol == ThriftWireProtocol.Compact)
        {
            var writer = new CompactProtocolWriter(output);
            WriteAppendCall(ref writer, seqId, flumeEvent);
        }
        else
        {
            var writer = new BinaryProtocolWriter(output);
            WriteAppendCall(ref writer, seqId, flumeEvent);
        }
    }

    /// <summary>Writes an <c>appendBatch</c> call of <paramref name="count"/> events from <paramref name="start"/>.</summary>
    public static void WriteAppendBatchCall(ThriftWireProtocol protocol, IBufferWriter<byte> output, int seqId, IReadOnlyList<FlumeEvent> events, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (protocol == ThriftWireProtocol.Compact)
        {
            var writer = new CompactProtocolWriter(output);
            WriteAppendBatchCall(ref writer, seqId, events, start, count);
        }
        else
        {
            var writer = new BinaryProtocolWriter(output);
            WriteAppendBatchCall(ref writer, seqId, events, start, count);
        }
    }

    /// <summary>Writes the REPLY to the call <paramref name="name"/>: a result struct whose field 0 is the status.</summary>
    public static void WriteReply(ThriftWireProtocol protocol, IBufferWriter<byte> output, ReadOnlySpan<byte> name, int seqId, EventStatus status)
    {
        if (protocol == ThriftWireProtocol.Compact)
        {
            var writer = new CompactProtocolWriter(output);
            WriteReply(ref writer, name, seqId, status);
        }
        else
        {
            var writer = new BinaryProtocolWriter(output);
            WriteReply(ref writer, name, seqId, status);
        }
    }

    /// <summary>Writes an EXCEPTION message carrying a TApplicationException, as a Thrift server answers an unknown function.</summary>
    public static void WriteApplicationException(ThriftWireProtocol protocol, IBufferWriter<byte> output, ReadOnlySpan<byte> name, int seqId, string message, int type)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (protocol == ThriftWireProtocol.Compact)
        {
            var writer = new CompactProtocolWriter(output);
            WriteApplicationException(ref writer, name, seqId, message, type);
        }
        else
        {
            var writer = new BinaryProtocolWriter(output);
            WriteApplicationException(ref writer, name, seqId, message, type);
        }
    }

    /// <summary>Thrift's <c>Status</c> value for an <see cref="EventStatus"/>.</summary>
    internal static int ToWire(EventStatus status) => status switch
    {
        EventStatus.Ok => 0,
        EventStatus.Failed => 1,
        EventStatus.Error => 2,
        _ => 3,
    };

    /// <summary>The <see cref="EventStatus"/> for a Thrift <c>Status</c> value; values this side does not know are Unknown.</summary>
    internal static EventStatus FromWire(int value) => value switch
    {
        0 => EventStatus.Ok,
        1 => EventStatus.Failed,
        2 => EventStatus.Error,
        _ => EventStatus.Unknown,
    };

    private static bool ReadCall<TReader>(ref TReader reader, ReadOnlySpan<byte> frame, int maxBatchSize, bool materialize, EventBuffer? borrowFrom, out ThriftCall call)
        where TReader : IThriftReader
    {
        call = default;
        if (!reader.ReadMessageBegin(frame, out var nameStart, out var nameLength, out var type, out var seqId))
        {
            return false;
        }

        if (type != ThriftMessageType.Call)
        {
            return reader.Fail("message is not a CALL");
        }

        var name = frame.Slice(nameStart, nameLength);
        var method = name.SequenceEqual(AppendName) ? ThriftMethod.Append
            : name.SequenceEqual(AppendBatchName) ? ThriftMethod.AppendBatch
            : ThriftMethod.Unknown;

        FlumeEvent? flumeEvent = null;
        IReadOnlyList<FlumeEvent>? events = null;
        var found = false;
        var saved = reader.ReadStructBegin();
        while (true)
        {
            if (!reader.ReadFieldBegin(frame, out var fieldType, out var fieldId))
            {
                return false;
            }

            if (fieldType == ThriftType.Stop)
            {
                break;
            }

            if (method == ThriftMethod.Append && fieldId == FirstField && fieldType == ThriftType.Struct)
            {
                if (!ReadEvent(ref reader, frame, materialize, borrowFrom, out flumeEvent))
                {
                    return false;
                }

                found = true;
            }
            else if (method == ThriftMethod.AppendBatch && fieldId == FirstField && fieldType == ThriftType.List)
            {
                if (!ReadEventList(ref reader, frame, maxBatchSize, materialize, borrowFrom, out events))
                {
                    return false;
                }

                found = true;
            }
            else if (!ThriftSkipper.Skip(ref reader, frame, fieldType))
            {
                return false;
            }
        }

        reader.ReadStructEnd(saved);
        if (method != ThriftMethod.Unknown && !found)
        {
            return reader.Fail(method == ThriftMethod.Append ? "append call carries no event" : "appendBatch call carries no event list");
        }

        if (reader.Remaining != 0)
        {
            return reader.Fail("bytes follow the message in the frame", reader.Remaining);
        }

        call = new ThriftCall(method, seqId, nameStart, nameLength, flumeEvent, events);
        return true;
    }

    private static bool ReadEventList<TReader>(
        ref TReader reader, ReadOnlySpan<byte> frame, int maxBatchSize, bool materialize, EventBuffer? borrowFrom, out IReadOnlyList<FlumeEvent>? events)
        where TReader : IThriftReader
    {
        events = null;
        if (!reader.ReadListBegin(frame, out var elementType, out var count))
        {
            return false;
        }

        if (count > maxBatchSize)
        {
            return reader.Fail("appendBatch carries more events than the maximum batch size", count);
        }

        if (count > 0 && elementType != ThriftType.Struct)
        {
            return reader.Fail("appendBatch list does not hold structs");
        }

        // Borrowed events are the buffer's own, in its own list; others get an array.
        var owned = materialize && borrowFrom is null ? (count == 0 ? [] : new FlumeEvent[count]) : null;
        for (var i = 0; i < count; i++)
        {
            if (!ReadEvent(ref reader, frame, materialize, borrowFrom, out var flumeEvent))
            {
                return false;
            }

            if (owned is not null)
            {
                owned[i] = flumeEvent!;
            }
        }

        events = owned ?? (materialize ? borrowFrom!.Events : null);
        return true;
    }

    private static bool ReadEvent<TReader>(ref TReader reader, ReadOnlySpan<byte> frame, bool materialize, EventBuffer? borrowFrom, out FlumeEvent? flumeEvent)
        where TReader : IThriftReader
    {
        flumeEvent = null;
        Dictionary<string, string>? headers = null;
        var packed = default(PackedHeaders);
        var bodyStart = 0;
        var bodyLength = 0;
        var hasHeaders = false;
        var hasBody = false;
        var saved = reader.ReadStructBegin();
        while (true)
        {
            if (!reader.ReadFieldBegin(frame, out var fieldType, out var fieldId))
            {
                return false;
            }

            if (fieldType == ThriftType.Stop)
            {
                break;
            }

            if (fieldId == FirstField && fieldType == ThriftType.Map)
            {
                if (!ReadHeaders(ref reader, frame, materialize, borrowFrom, out packed, out headers))
                {
                    return false;
                }

                hasHeaders = true;
            }
            else if (fieldId == BodyField && fieldType == ThriftType.String)
            {
                if (!reader.ReadBinary(frame, out var start, out var length))
                {
                    return false;
                }

                (bodyStart, bodyLength) = (start, length);
                hasBody = true;
            }
            else if (!ThriftSkipper.Skip(ref reader, frame, fieldType, depth: 2))
            {
                return false;
            }
        }

        reader.ReadStructEnd(saved);
        if (!hasHeaders)
        {
            return reader.Fail("event lacks its required headers field");
        }

        if (!hasBody)
        {
            return reader.Fail("event lacks its required body field");
        }

        if (materialize)
        {
            flumeEvent = borrowFrom is null
                ? new FlumeEvent(headers, frame.Slice(bodyStart, bodyLength).ToArray())
                : borrowFrom.NextEvent(packed, headers, borrowFrom.Memory.Slice(bodyStart, bodyLength));
        }

        return true;
    }

    /// <summary>
    /// Reads an event's headers map. Materialized from a request whose events borrow from <paramref name="borrowFrom"/>,
    /// a map that <see cref="PackedHeaders.TryFromWireEntries"/> keeps stays where it is, as <paramref name="packed"/>;
    /// any other becomes <paramref name="headers"/> (null for an empty map).
    /// </summary>
    private static bool ReadHeaders<TReader>(
        ref TReader reader, ReadOnlySpan<byte> frame, bool materialize, EventBuffer? borrowFrom, out PackedHeaders packed, out Dictionary<string, string>? headers)
        where TReader : IThriftReader
    {
        packed = default;
        headers = null;
        if (!reader.ReadMapBegin(frame, out var keyType, out var valueType, out var count))
        {
            return false;
        }

        if (count > 0 && (keyType != ThriftType.String || valueType != ThriftType.String))
        {
            return reader.Fail("event headers are not a map of strings");
        }

        var start = reader.Position;
        for (var i = 0; i < count; i++)
        {
            if (!reader.ReadBinary(frame, out _, out _) || !reader.ReadBinary(frame, out _, out _))
            {
                return false;
            }
        }

        if (!materialize || count == 0)
        {
            // An event without headers gets no map: FlumeEvent creates one only if someone asks.
            return true;
        }

        var layout = typeof(TReader) == typeof(BinaryProtocolReader) ? PackedLayout.ThriftBinary : PackedLayout.ThriftCompact;
        if (borrowFrom is not null && PackedHeaders.TryFromWireEntries(borrowFrom.Memory[start..reader.Position], count, layout, out packed))
        {
            return true;
        }

        // Like Thrift's generated code: invalid UTF-8 becomes U+FFFD, and a repeated key keeps the last value.
        headers = PackedHeaders.ToDictionary(frame[start..reader.Position], count, layout);
        return true;
    }

    private static bool ReadReply<TReader>(ref TReader reader, ReadOnlySpan<byte> frame, ReadOnlySpan<byte> expectedName, int expectedSeqId, out ThriftReply reply)
        where TReader : IThriftReader
    {
        reply = default;
        if (!reader.ReadMessageBegin(frame, out var nameStart, out var nameLength, out var type, out var seqId))
        {
            return false;
        }

        if (!frame.Slice(nameStart, nameLength).SequenceEqual(expectedName))
        {
            return reader.Fail("reply names another method");
        }

        if (seqId != expectedSeqId)
        {
            return reader.Fail("reply has another sequence id", (uint)seqId);
        }

        if (type == ThriftMessageType.Exception)
        {
            return ReadApplicationException(ref reader, frame, out reply);
        }

        if (type != ThriftMessageType.Reply)
        {
            return reader.Fail("answer is neither a REPLY nor an EXCEPTION");
        }

        int? status = null;
        var saved = reader.ReadStructBegin();
        while (true)
        {
            if (!reader.ReadFieldBegin(frame, out var fieldType, out var fieldId))
            {
                return false;
            }

            if (fieldType == ThriftType.Stop)
            {
                break;
            }

            if (fieldId == SuccessField && fieldType == ThriftType.I32)
            {
                if (!reader.ReadI32(frame, out var value))
                {
                    return false;
                }

                status = value;
            }
            else if (!ThriftSkipper.Skip(ref reader, frame, fieldType))
            {
                return false;
            }
        }

        reader.ReadStructEnd(saved);
        if (status is null)
        {
            return reader.Fail("reply carries no success field");
        }

        if (reader.Remaining != 0)
        {
            return reader.Fail("bytes follow the message in the frame", reader.Remaining);
        }

        reply = new ThriftReply(false, FromWire(status.Value), null, 0);
        return true;
    }

    private static bool ReadApplicationException<TReader>(ref TReader reader, ReadOnlySpan<byte> frame, out ThriftReply reply)
        where TReader : IThriftReader
    {
        reply = default;
        var messageStart = -1;
        var messageLength = 0;
        var errorType = 0;
        var saved = reader.ReadStructBegin();
        while (true)
        {
            if (!reader.ReadFieldBegin(frame, out var fieldType, out var fieldId))
            {
                return false;
            }

            if (fieldType == ThriftType.Stop)
            {
                break;
            }

            if (fieldId == FirstField && fieldType == ThriftType.String)
            {
                if (!reader.ReadBinary(frame, out messageStart, out messageLength))
                {
                    return false;
                }
            }
            else if (fieldId == ExceptionTypeField && fieldType == ThriftType.I32)
            {
                if (!reader.ReadI32(frame, out errorType))
                {
                    return false;
                }
            }
            else if (!ThriftSkipper.Skip(ref reader, frame, fieldType))
            {
                return false;
            }
        }

        reader.ReadStructEnd(saved);
        if (reader.Remaining != 0)
        {
            return reader.Fail("bytes follow the message in the frame", reader.Remaining);
        }

        var message = messageStart < 0 ? null : Encoding.UTF8.GetString(frame.Slice(messageStart, messageLength));
        reply = new ThriftReply(true, EventStatus.Unknown, message, errorType);
        return true;
    }

    private static void WriteAppendCall<TWriter>(ref TWriter writer, int seqId, FlumeEvent flumeEvent)
        where TWriter : IThriftWriter
    {
        writer.WriteMessageBegin(AppendName, ThriftMessageType.Call, seqId);
        var saved = writer.WriteStructBegin();
        writer.WriteFieldBegin(ThriftType.Struct, FirstField);
        WriteEvent(ref writer, flumeEvent);
        writer.WriteStructEnd(saved);
    }

    private static void WriteAppendBatchCall<TWriter>(ref TWriter writer, int seqId, IReadOnlyList<FlumeEvent> events, int start, int count)
        where TWriter : IThriftWriter
    {
        writer.WriteMessageBegin(AppendBatchName, ThriftMessageType.Call, seqId);
        var saved = writer.WriteStructBegin();
        writer.WriteFieldBegin(ThriftType.List, FirstField);
        writer.WriteListBegin(ThriftType.Struct, count);
        for (var i = start; i < start + count; i++)
        {
            WriteEvent(ref writer, events[i]);
        }

        writer.WriteStructEnd(saved);
    }

    private static void WriteEvent<TWriter>(ref TWriter writer, FlumeEvent flumeEvent)
        where TWriter : IThriftWriter
    {
        var saved = writer.WriteStructBegin();
        writer.WriteFieldBegin(ThriftType.Map, FirstField);
        writer.WriteMapBegin(ThriftType.String, ThriftType.String, flumeEvent.HeaderCount);
        if (flumeEvent.TryGetPacked(out var packed))
        {
            foreach (var (key, value) in packed)
            {
                // A Thrift string is its UTF-8 bytes with a length, as binary is.
                writer.WriteBinary(key);
                writer.WriteBinary(value);
            }
        }
        else if (flumeEvent.HeaderCount > 0)
        {
            foreach (var (key, value) in flumeEvent.HeaderMap)
            {
                writer.WriteString(key);
                writer.WriteString(value);
            }
        }

        writer.WriteFieldBegin(ThriftType.String, BodyField);
        writer.WriteBinary(flumeEvent.Body.Span);
        writer.WriteStructEnd(saved);
    }

    private static void WriteReply<TWriter>(ref TWriter writer, ReadOnlySpan<byte> name, int seqId, EventStatus status)
        where TWriter : IThriftWriter
    {
        writer.WriteMessageBegin(name, ThriftMessageType.Reply, seqId);
        var saved = writer.WriteStructBegin();
        writer.WriteFieldBegin(ThriftType.I32, SuccessField);
        writer.WriteI32(ToWire(status));
        writer.WriteStructEnd(saved);
    }

    private static void WriteApplicationException<TWriter>(ref TWriter writer, ReadOnlySpan<byte> name, int seqId, string message, int type)
        where TWriter : IThriftWriter
    {
        writer.WriteMessageBegin(name, ThriftMessageType.Exception, seqId);
        var saved = writer.WriteStructBegin();
        writer.WriteFieldBegin(ThriftType.String, FirstField);
        writer.WriteString(message);
        writer.WriteFieldBegin(ThriftType.I32, ExceptionTypeField);
        writer.WriteI32(type);
        writer.WriteStructEnd(saved);
    }
}
