using System.Buffers.Binary;
using System.Text;

namespace Flume.Logging.Rpc.Tests.Avro;

/// <summary>
/// Hand-built Avro IPC bytes for raw-socket tests, written from the spec independently of the codecs under test.
/// </summary>
internal static class AvroBytes
{
    /// <summary>MD5 of Flume 1.11's AvroSourceProtocol text.</summary>
    public static readonly byte[] FlumeHash = Convert.FromHexString("8076c53714e01f6e2c1deb9544e7b1fe");

    public static byte[] Long(long value)
    {
        var raw = (ulong)((value << 1) ^ (value >> 63));
        var bytes = new List<byte>();
        while (raw >= 0x80)
        {
            bytes.Add((byte)(raw | 0x80));
            raw >>= 7;
        }

        bytes.Add((byte)raw);
        return [.. bytes];
    }

    public static byte[] String(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        return [.. Long(utf8.Length), .. utf8];
    }

    /// <summary>HandshakeRequest with the given client hash and protocol, our server hash and null meta.</summary>
    public static byte[] Handshake(byte[] clientHash, string? clientProtocol) =>
        clientProtocol is null
            ? [.. clientHash, 0x00, .. FlumeHash, 0x00]
            : [.. clientHash, 0x02, .. String(clientProtocol), .. FlumeHash, 0x00];

    /// <summary>Call request: empty meta, message name, then the parameter bytes.</summary>
    public static byte[] Call(string message, byte[] parameters) => [0x00, .. String(message), .. parameters];

    /// <summary>AvroFlumeEvent with no headers and a text body.</summary>
    public static byte[] Event(string body) => [0x00, .. String(body)];

    public static byte[] Header(int serial, int count)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, serial);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        return header;
    }

    public static byte[] Frame(byte[] message, int serial = 1)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, message.Length);
        return [.. Header(serial, 1), .. length, .. message];
    }
}
