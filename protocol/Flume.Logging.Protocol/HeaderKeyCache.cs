using System.Text;
using System.Text.Unicode;

namespace Flume.Logging.Protocol;

/// <summary>
/// The strings of header keys decoded lately, found by their UTF-8 bytes. Events of one stream carry the same few keys
/// (<c>timestamp</c>, <c>host</c>, Flume's log4j headers), so a decoder that looks here first makes one string per key
/// instead of one per event. Only valid UTF-8 is cached, so the Avro decoder, which refuses invalid UTF-8, and the
/// Thrift decoder, which replaces it, can share it. Shared by every connection; slots are replaced whole, so racing readers and writers see
/// either entry, never a mix. Each key has two slots, so two keys of a stream that share one both stay cached.
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
        if (utf8.Length <= MaxLength)
        {
            var hash = Hash(utf8);
            if ((Find(utf8, First(hash)) ?? Find(utf8, Second(hash))) is { } entry)
            {
                value = entry.Value;
                return true;
            }
        }

        value = "";
        return false;
    }

    /// <summary>
    /// The key <paramref name="utf8"/> spells, invalid UTF-8 replaced by U+FFFD as Thrift's own code does, cached when
    /// it is valid.
    /// </summary>
    public static string GetOrDecodeLenient(ReadOnlySpan<byte> utf8)
    {
        if (TryGet(utf8, out var value))
        {
            return value;
        }

        value = Encoding.UTF8.GetString(utf8);
        if (Utf8.IsValid(utf8))
        {
            Add(utf8, value);
        }

        return value;
    }

    /// <summary>
    /// Remembers <paramref name="value"/>, which <paramref name="utf8"/> decodes to (valid UTF-8: the caller checked),
    /// in the first of its two slots unless another key holds that one: two keys sharing a slot then both stay cached.
    /// </summary>
    public static void Add(ReadOnlySpan<byte> utf8, string value)
    {
        if (utf8.Length <= MaxLength)
        {
            var hash = Hash(utf8);
            var slot = Volatile.Read(ref s_entries[First(hash)]) is null ? First(hash) : Second(hash);
            Volatile.Write(ref s_entries[slot], new Entry(utf8.ToArray(), value));
        }
    }

    private static Entry? Find(ReadOnlySpan<byte> utf8, int slot) =>
        Volatile.Read(ref s_entries[slot]) is { } entry && utf8.SequenceEqual(entry.Utf8) ? entry : null;

    /// <summary>
    /// A hash of a key's length and three of its bytes: hashing every byte cost more than decoding the key (measured in
    /// the relay's profile), and keys that share both slots only cost a new string.
    /// </summary>
    private static uint Hash(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return 0;
        }

        var hash = (uint)utf8.Length * 0x9E3779B1u;
        hash = (hash ^ utf8[^1]) * 0x85EBCA6Bu;
        hash = (hash ^ utf8[utf8.Length >> 1]) * 0xC2B2AE35u;
        return (hash ^ utf8[utf8.Length >> 2]) * 0x27D4EB2Fu;
    }

    private static int First(uint hash) => (int)(hash >> 24);

    private static int Second(uint hash) => (int)((hash >> 16) & (Slots - 1));

    private sealed record Entry(byte[] Utf8, string Value);
}
