using System.Buffers;
using System.Globalization;
using System.Text;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Metrics;

/// <summary>
/// A minimal HTTP/1.1 responder for the metrics endpoints: one request per connection, answered and closed.
/// <c>GET /metrics</c> is Flume's JSON, <c>GET /metrics/prometheus</c> the Prometheus text; other paths are 404,
/// other methods 405, and anything unparsable 400. A request head over 8 KiB is refused rather than buffered.
/// </summary>
internal sealed partial class MetricsHttpHandler(MetricsRegistry registry, ILogger logger) : IConnectionHandler
{
    private const int MaxRequestHead = 8192;

    /// <summary>How long a client may take to send its request head; idle connections must not hold slots.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger = logger;

    public async Task RunAsync(Connection connection, CancellationToken stopping)
    {
        var input = connection.Input;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(RequestTimeout);
        while (true)
        {
            var read = await input.ReadAsync(timeout.Token);
            var buffer = read.Buffer;
            var end = HeadEnd(buffer);
            if (end < 0 && buffer.Length <= MaxRequestHead && !read.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            var head = end < 0 ? null : Encoding.ASCII.GetString(buffer.Slice(0, end));
            input.AdvanceTo(buffer.End);
            await RespondAsync(connection, head, buffer.Length > MaxRequestHead);
            return;
        }
    }

    private static long HeadEnd(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryAdvanceTo((byte)'\n'))
        {
            if (reader.IsNext("\r\n"u8, advancePast: false) || reader.IsNext((byte)'\n'))
            {
                return reader.Consumed;
            }
        }

        return -1;
    }

    private async Task RespondAsync(Connection connection, string? head, bool tooLarge)
    {
        var requestLine = head is null ? null : head[..head.IndexOf('\n', StringComparison.Ordinal)].TrimEnd('\r');
        var parts = requestLine?.Split(' ');
        if (parts is not { Length: 3 } || !parts[2].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            LogBadRequest(connection.Peer, tooLarge ? "request head over 8 KiB" : "not an HTTP/1.x request");
            await WriteAsync(connection, tooLarge ? 431 : 400, "text/plain; charset=utf-8", "bad request\n"u8.ToArray(), includeBody: true);
            return;
        }

        var (method, target) = (parts[0], parts[1]);
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = (query < 0 ? target : target[..query]).TrimEnd('/');
        var isGet = method == "GET";
        if (!isGet && method != "HEAD")
        {
            await WriteAsync(connection, 405, "text/plain; charset=utf-8", "only GET is supported\n"u8.ToArray(), includeBody: true);
            return;
        }

        switch (path)
        {
            case "/metrics":
                await WriteAsync(connection, 200, "application/json", MetricsFormat.Json(registry.Measure()), isGet);
                break;
            case "/metrics/prometheus":
                await WriteAsync(connection, 200, MetricsFormat.PrometheusContentType, Encoding.UTF8.GetBytes(MetricsFormat.Prometheus(registry.Measure())), isGet);
                break;
            default:
                await WriteAsync(connection, 404, "text/plain; charset=utf-8", "not found: try /metrics or /metrics/prometheus\n"u8.ToArray(), isGet);
                break;
        }
    }

    private static async Task WriteAsync(Connection connection, int status, string contentType, byte[] body, bool includeBody)
    {
        var reason = status switch
        {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            _ => "Request Header Fields Too Large",
        };
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {reason}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n")
            .Append(status == 405 ? "Allow: GET, HEAD\r\n" : "")
            .Append("Connection: close\r\n\r\n");
        connection.Output.Write(Encoding.ASCII.GetBytes(head.ToString()));
        if (includeBody)
        {
            connection.Output.Write(body);
        }

        await connection.Output.FlushAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "metrics server: bad request from {Peer}: {Reason}")]
    private partial void LogBadRequest(string peer, string reason);
}
