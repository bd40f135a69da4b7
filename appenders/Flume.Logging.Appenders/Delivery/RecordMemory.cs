using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// The memory a queued entry keeps alive, counted from what it holds: 2 bytes a character plus each object's header,
/// and the queue slot itself. Logger and property names are not counted: they are shared by every call of a logger
/// or template. Property values are counted as strings or boxed primitives, which is all front ends queue. A record
/// that keeps its framework's event (for a fallback) counts twice: that event holds the same text in its own objects.
/// </summary>
internal static class RecordMemory
{
    /// <summary>The queue slot (the entry's fields) and the record's own fields.</summary>
    private const int EntryOverhead = 96;

    /// <summary>Object header, method table pointer and length of a string (or array) on 64-bit .NET.</summary>
    private const int ObjectOverhead = 24;

    /// <summary>A boxed primitive or other small immutable value.</summary>
    private const int BoxedValue = 24;

    /// <summary>One key/value pair of a property list, and one header entry of a dictionary.</summary>
    private const int PairSize = 24;

    /// <summary>The size of a queued record and its exception text.</summary>
    public static int Of(in FlumeLogRecord record, string? exceptionText)
    {
        var size = EntryOverhead + Of(record.Message) + Of(exceptionText);
        if (record.Properties is { Count: > 0 } properties)
        {
            size += ObjectOverhead + ((long)properties.Count * PairSize);
            for (var i = 0; i < properties.Count; i++)
            {
                size += properties[i].Value switch
                {
                    null => 0,
                    string text => Of(text),
                    _ => BoxedValue,
                };
            }
        }

        // The framework's own event, kept for a fallback, holds the same message and values in its own objects.
        if (record.Source is not null)
        {
            size *= 2;
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
