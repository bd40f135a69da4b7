using System.Buffers;
using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Protocol.Tests.Thrift;

/// <summary>Small helpers to write with either protocol and to build split buffers.</summary>
internal static class ThriftBytes
{
    public delegate void CompactWrite(ref CompactProtocolWriter writer);

    public delegate void BinaryWrite(ref BinaryProtocolWriter writer);

    public static byte[] Compact(CompactWrite write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new CompactProtocolWriter(output);
        write(ref writer);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Binary(BinaryWrite write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new BinaryProtocolWriter(output);
        write(ref writer);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Framed(byte[] message)
    {
        var output = new ArrayBufferWriter<byte>();
        ThriftFraming.WriteFrame(output, message);
        return output.WrittenSpan.ToArray();
    }
}
