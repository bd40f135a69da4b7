using System.Buffers;
using System.Text;

namespace Flume.Logging.Rpc.Transport;

/// <summary>
/// Names the protocol a peer spoke when its first bytes are not an RPC frame, so the warning tells a user who pointed
/// curl, a browser or a load balancer's HTTP health check at an RPC port what went wrong, rather than only quoting the
/// impossible frame length those bytes make.
/// </summary>
internal static class ForeignProtocol
{
    private static readonly string[] HttpMethods = ["GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "TRACE ", "CONNECT ", "PRI * HTTP/2"];

    /// <summary>
    /// A phrase for the warning (", the bytes are an HTTP request (GET /): this port speaks ...") when
    /// <paramref name="start"/>, the start of the connection, is an HTTP request; otherwise an empty string.
    /// </summary>
    public static string Describe(ReadOnlySequence<byte> start, string rpc)
    {
        Span<byte> head = stackalloc byte[64];
        var length = (int)Math.Min(start.Length, head.Length);
        start.Slice(0, length).CopyTo(head);
        head = head[..length];
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
                var what = method == "PRI * HTTP/2" ? "an HTTP/2 preface" : $"an HTTP request ({method}{Printable(space >= 0 ? target[..space] : target)})";
                return $"; the bytes are {what}: this port speaks {rpc}, not HTTP";
            }
        }

        return "";
    }

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
