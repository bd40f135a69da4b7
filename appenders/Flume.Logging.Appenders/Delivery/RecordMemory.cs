using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// The memory a queued entry keeps alive, counted from what it holds: the bytes of an encoded event, or the strings
/// (2 bytes a character plus each object's header) of a ready one, and the queue slot itself.
/// </summary>
internal static class RecordMemory
{
    /// <summary>The queue slot (the entry's fields) and the record's own fields.</summary>
    private const int EntryOverhead = 96;

    /// <summary>Object header, method table pointer and length of a string (or array) on 64-bit .NET.</summary>
    private const int ObjectOverhead = 24;

    /// <summary>One key/value pair of a property list, and one header entry of a dictionary.</summary>
    private const int PairSize = 24;

    /// <summary>
    /// The size of an event encoded at the call: its bytes and the queue slot. A record that keeps its framework's
    /// event (for a fallback) counts its text again for that event's objects.
    /// </summary>
    public static int Of(in PackedEvent packed, bool keepsSource)
    {
        long size = EntryOverhead + packed.Length;
        if (keepsSource)
        {
            size += ObjectOverhead + (2L * packed.Length);
        }

        return (int)Math.Min(size, int.MaxValue);
    }

    /// <summary>The size of a ready event: its body, and its headers with their strings.</summary>
    public static int Of(FlumeEvent flumeEvent)
    {
        long size = EntryOverhead + ObjectOverhead + flumeEvent.Body.Length;
        if (flumeEvent.Headers is Dictionary<string, string> headers)
        {
            size += ObjectOverhead * 3;
            foreach (var header in headers)
            {
                size += PairSize + Of(header.Key) + Of(header.Value);
            }
        }

        return (int)Math.Min(size, int.MaxValue);
    }

    private static long Of(string? text) => text is null ? 0 : ObjectOverhead + (2L * text.Length);
}
