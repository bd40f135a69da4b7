namespace Flume.Logging.Protocol.Avro;

/// <summary>
/// The strings of header keys decoded lately, found by their UTF-8 bytes. Events of one stream carry the same few keys
/// (<c>timestamp</c>, <c>host</c>, Flume's log4j headers), so a decoder that looks here first makes one string per key
/// instead of one per event. Shared by every connection; slots are replaced whole, so racing readers and writers see
/// either entry, never a mix. A collision only costs a fresh string.
/// </summary>
internal static class HeaderKeyCache
{
    /// <summary>Longest key cached; longer ones are rarely repeated names.</summary>
    public const int MaxLength = 64;

    private const int Slots = 256;

    private static readonly Entry?[] s_entries = new Entry?[Slots];

    /// <summary>The cached string for <paramref name="utf8"/>, if any.</summary>
    public static bool TryGet(ReadOnlySpan<byte> utf8, out string value)
    {
        if (utf8.Length <= MaxLength && Volatile.Read(ref s_entries[Slot(utf8)]) is { } entry && utf8.SequenceEqual(entry.Utf8))
        {
            value = entry.Value;
            return true;
        }

        value = "";
        return false;
    }

    /// <summary>Remembers <paramref name="value"/>, which <paramref name="utf8"/> decodes to (validated by the caller).</summary>
    public static void Add(ReadOnlySpan<byte> utf8, string value)
    {
        if (utf8.Length <= MaxLength)
        {
            Volatile.Write(ref s_entries[Slot(utf8)], new Entry(utf8.ToArray(), value));
        }
    }

    private static int Slot(ReadOnlySpan<byte> utf8)
    {
        var hash = default(HashCode);
        hash.AddBytes(utf8);
        return hash.ToHashCode() & (Slots - 1);
    }

    private sealed record Entry(byte[] Utf8, string Value);
}
