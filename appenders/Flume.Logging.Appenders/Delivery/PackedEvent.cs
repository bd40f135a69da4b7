using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// One log call's event, encoded at the call: its headers in <see cref="PackedHeaders"/> layout followed by its body,
/// a slice of an <see cref="EventChunk"/> it holds until <see cref="Release"/>. The delivery loop and the wire
/// encoders copy its bytes instead of building strings and maps.
/// </summary>
internal readonly struct PackedEvent(EventChunk? chunk, int start, int headersLength, int headerCount, int bodyLength)
{
    /// <summary>Bytes the event takes in its chunk.</summary>
    public int Length => headersLength + bodyLength;

    /// <summary>The event to send. It reads the chunk: use it only until <see cref="Release"/>.</summary>
    public FlumeEvent ToEvent() => new(
        new PackedHeaders(chunk!.Bytes.AsMemory(start, headersLength), headerCount),
        chunk.Bytes.AsMemory(start + headersLength, bodyLength));

    /// <summary>Gives the event's bytes back once it is sent or dropped; the chunk may then be rewritten. Once only.</summary>
    public void Release() => chunk?.Release();
}
