using System.Buffers;

namespace Flume.Logging.Protocol.Avro;

/// <summary>
/// Avro IPC call requests (meta map, message name, parameters) and call responses (meta map, error flag, then the
/// Status or the error as union{string}) of the two AvroSourceProtocol messages.
/// </summary>
internal static class AvroCall
{
    public const string Append = "append";
    public const string AppendBatch = "appendBatch";

    public static void WriteAppendRequest(IBufferWriter<byte> output, FlumeEvent flumeEvent)
    {
        AvroWriter.WriteLong(output, 0);
        AvroWriter.WriteString(output, Append);
        AvroEventCodec.WriteEvent(output, flumeEvent);
    }

    public static void WriteAppendBatchRequest(IBufferWriter<byte> output, IReadOnlyList<FlumeEvent> events, int start, int count)
    {
        AvroWriter.WriteLong(output, 0);
        AvroWriter.WriteString(output, AppendBatch);
        AvroEventCodec.WriteEvents(output, events, start, count);
    }

    /// <summary>
    /// Reads a call request; an unknown message name is InvalidData naming it. With <paramref name="borrowFrom"/>,
    /// whose bytes the reader reads, event bodies are slices of it (see <see cref="EventBuffer"/>).
    /// </summary>
    public static OperationStatus ReadRequest(ref AvroReader reader, int maxBatchSize, out AvroCallRequest? request, EventBuffer? borrowFrom = null)
    {
        request = null;
        var status = reader.SkipBytesMap();
        if (status != OperationStatus.Done)
        {
            return status;
        }

        // The two names are matched as bytes, so that a request costs no string; anything else is read again as one
        // for the error.
        var atName = reader;
        status = reader.ReadBytes(out var nameBytes);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        var name = nameBytes.SequenceEqual("appendBatch"u8) ? AppendBatch : nameBytes.SequenceEqual("append"u8) ? Append : null;
        if (name is null)
        {
            reader = atName;
            status = reader.ReadString(out name);
            if (status != OperationStatus.Done)
            {
                return status;
            }
        }

        switch (name)
        {
            case Append:
                status = AvroEventCodec.ReadEvent(ref reader, out var flumeEvent, borrowFrom);
                if (status == OperationStatus.Done)
                {
                    request = AvroCallRequest.ForAppend(flumeEvent!);
                }

                return status;
            case AppendBatch:
                status = AvroEventCodec.ReadEvents(ref reader, maxBatchSize, out var events, borrowFrom);
                if (status == OperationStatus.Done)
                {
                    request = AvroCallRequest.ForAppendBatch(events!);
                }

                return status;
            default:
                return reader.Invalid($"unknown message '{Truncate(name)}'");
        }
    }

    public static void WriteResponse(IBufferWriter<byte> output, EventStatus status)
    {
        AvroWriter.WriteLong(output, 0);
        AvroWriter.WriteBoolean(output, false);
        AvroEventCodec.WriteStatus(output, status);
    }

    /// <summary>Writes a system error: the error flag, union branch 0 (string) and the message.</summary>
    public static void WriteError(IBufferWriter<byte> output, string message)
    {
        AvroWriter.WriteLong(output, 0);
        AvroWriter.WriteBoolean(output, true);
        AvroWriter.WriteInt(output, 0);
        AvroWriter.WriteString(output, message);
    }

    public static OperationStatus ReadResponse(ref AvroReader reader, out AvroCallResponse? response)
    {
        response = null;
        var status = reader.SkipBytesMap();
        if (status != OperationStatus.Done)
        {
            return status;
        }

        status = reader.ReadBoolean(out var isError);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        if (!isError)
        {
            status = AvroEventCodec.ReadStatus(ref reader, out var eventStatus);
            if (status == OperationStatus.Done)
            {
                response = AvroCallResponse.Of(eventStatus);
            }

            return status;
        }

        status = reader.ReadInt(out var branch);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        if (branch != 0)
        {
            return reader.Invalid($"error union branch {branch} names no error type AvroSourceProtocol declares");
        }

        status = reader.ReadString(out var message);
        if (status == OperationStatus.Done)
        {
            response = new AvroCallResponse(EventStatus.Unknown, message);
        }

        return status;
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "...");
}
