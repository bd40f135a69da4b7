using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Rpc.Transport;

/// <summary>
/// Names the protocol a peer spoke when its first bytes are not an RPC frame, so the warning tells a user who pointed
/// curl, a browser, a load balancer's HTTP health check or the other Flume RPC's client at a port what went wrong,
/// rather than only quoting the impossible frame length those bytes make.
/// </summary>
internal static class ForeignProtocol
{
    private static readonly string[] HttpMethods = ["GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "TRACE ", "CONNECT ", "PRI * HTTP/2"];

    /// <summary>
    /// A phrase for the warning (", the bytes are an HTTP request (GET /): this port speaks ...") when
    /// <paramref name="start"/>, the start of the connection, is an HTTP request or a request of the Flume RPC other
    /// than <paramref name="own"/>; otherwise an empty string.
    /// </summary>
    public static string Describe(ReadOnlySequence<byte> start, string rpc, RpcFamily own)
    {
        Span<byte> head = stackalloc byte[64];
        var length = (int)Math.Min(start.Length, head.Length);
        start.Slice(0, length).CopyTo(head);
        head = head[..length];
        if (HttpRequest(head) is { } http)
        {
            return $"; the bytes are {http}: this port speaks {rpc}, not HTTP";
        }

        if (own != RpcFamily.Thrift && ThriftRequest(head) is { } thrift)
        {
            return $"; the bytes are {thrift}: this port speaks {rpc}";
        }

        if (own != RpcFamily.Avro && IsAvroFrame(head))
        {
            return $"; the bytes are an Avro RPC request (NettyTransceiver frames): this port speaks {rpc}";
        }

        if (IsZlibHeader(head))
        {
            return $"; the bytes are zlib-compressed, as from a client with compression-type = deflate: this port speaks {rpc} uncompressed";
        }

        return "";
    }

    private static string? HttpRequest(ReadOnlySpan<byte> head)
    {
        foreach (var method in HttpMethods)
        {
            if (head.Length >= method.Length && head.StartsWith(Encoding.ASCII.GetBytes(method)))
            {
                var line = head;
                var end = line.IndexOfAny((byte)'\r', (byte)'\n');
                if (end >= 0)
                {
                    line = line[..end];
                }

                var target = line[method.Length..];
                var space = target.IndexOf((byte)' ');
                return method == "PRI * HTTP/2" ? "an HTTP/2 preface" : $"an HTTP request ({method}{Printable(space >= 0 ? target[..space] : target)})";
            }
        }

        return null;
    }

    /// <summary>A framed Thrift call: a positive frame length, then a compact or strict binary message header.</summary>
    private static string? ThriftRequest(ReadOnlySpan<byte> head)
    {
        if (head.Length < 6 || BinaryPrimitives.ReadInt32BigEndian(head) <= 0)
        {
            return null;
        }

        return ThriftMessageCodec.ProtocolOf(head[4..]) switch
        {
            ThriftWireProtocol.Compact => "a Thrift request in the compact protocol",
            ThriftWireProtocol.Binary => "a Thrift request in the binary protocol",
            _ => null,
        };
    }

    /// <summary>A NettyTransceiver frame: a serial, then a plausible buffer count and a positive first buffer length.</summary>
    private static bool IsAvroFrame(ReadOnlySpan<byte> head) =>
        head.Length >= 12
        && BinaryPrimitives.ReadInt32BigEndian(head[4..]) is >= 1 and <= 16384
        && BinaryPrimitives.ReadInt32BigEndian(head[8..]) > 0;

    /// <summary>A zlib stream header (RFC 1950): deflate with a window of at most 32 KiB, and a check that divides by 31.</summary>
    private static bool IsZlibHeader(ReadOnlySpan<byte> head) =>
        head.Length >= 2 && (head[0] & 0x0F) == 8 && head[0] >> 4 <= 7 && ((head[0] << 8) | head[1]) % 31 == 0;

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            text.Append(b is >= 0x21 and < 0x7F ? (char)b : '?');
        }

        return text.ToString();
    }
}
