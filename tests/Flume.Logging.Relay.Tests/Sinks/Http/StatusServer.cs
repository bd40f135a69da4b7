using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Flume.Logging.Relay.Tests.Sinks.Http;

/// <summary>
/// A minimal HTTP/1.1 endpoint on 127.0.0.1, port 0: records each request's headers and body and answers with the
/// next status queued (200 when none), closing the connection after each answer; or never answers, when told to.
/// </summary>
internal sealed class StatusServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public StatusServer()
    {
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/events");
        _serving = ServeAsync();
    }

    public Uri Endpoint { get; }

    public ConcurrentQueue<int> Statuses { get; } = new();

    /// <summary>Requests received: their header block (request line included) and body.</summary>
    public ConcurrentQueue<(string Headers, string Body)> Requests { get; } = new();

    /// <summary>When set, requests are read but never answered.</summary>
    public bool Silent { get; set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var (headers, body) = await ReadRequestAsync(stream, _stop.Token);
            Requests.Enqueue((headers, body));
            if (Silent)
            {
                // Hold the connection open and say nothing until the server stops.
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }

            var status = Statuses.TryDequeue(out var next) ? next : 200;
            var answer = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            await stream.WriteAsync(answer, _stop.Token);
        }
    }

    private static async Task<(string Headers, string Body)> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        int headerEnd;
        while ((headerEnd = IndexOfBlankLine(received)) < 0)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return (Encoding.ASCII.GetString([.. received]), "");
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var headers = Encoding.ASCII.GetString([.. received.Take(headerEnd)]);
        var lengthLine = headers.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        while (received.Count - headerEnd - 4 < length)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        return (headers, Encoding.UTF8.GetString([.. received.Skip(headerEnd + 4)]));
    }

    private static int IndexOfBlankLine(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
