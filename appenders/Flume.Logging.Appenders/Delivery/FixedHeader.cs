using System.Buffers.Binary;
using System.Text;
using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// A header whose key (and, when given, value) is the same for every event of an appender, encoded once in
/// <see cref="PackedHeaders"/> layout, so packing an event copies it instead of transcoding it per call. Its
/// <see cref="Bit"/> is its key's place in the appender's <see cref="FixedKeys"/>.
/// </summary>
internal sealed class FixedHeader
{
    public FixedHeader(string key, int bit, string? value = null)
    {
        Key = key;
        Bit = bit;
        KeyBytes = Encode(key);
        Bytes = value is null ? [] : [.. KeyBytes, .. Encode(value)];
    }

    public string Key { get; }

    /// <summary>The flag a property with the same key sets, so that this weaker header is left out.</summary>
    public int Bit { get; }

    /// <summary>The key with its length prefix.</summary>
    public byte[] KeyBytes { get; }

    /// <summary>Key and value with their length prefixes; empty when the value varies.</summary>
    public byte[] Bytes { get; }

    private static byte[] Encode(string text)
    {
        var bytes = new byte[PackedHeaders.LengthPrefix + Encoding.UTF8.GetByteCount(text)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, bytes.Length - PackedHeaders.LengthPrefix);
        Encoding.UTF8.GetBytes(text, bytes.AsSpan(PackedHeaders.LengthPrefix));
        return bytes;
    }
}
