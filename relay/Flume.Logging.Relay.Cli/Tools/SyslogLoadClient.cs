using System.Net.Security;
using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>
/// <c>relay load --protocol syslog</c>: one TCP connection to a syslog source, writing each event as one
/// newline-terminated RFC 3164 line of exactly <see cref="LoadOptions.BodySize"/> bytes (header included, newline
/// not), the shape syslog-ng's published figure uses. Syslog has no acknowledgement: a batch is done when the
/// kernel took its bytes, so a relay that falls behind slows the load through TCP's window. With <c>--ssl</c> the
/// lines go over TLS, as to a syslog source with <c>ssl = true</c>.
/// </summary>
internal sealed class SyslogLoadClient : IRpcClient
{
    /// <summary>The fixed header of every line; the event body fills the rest of the message.</summary>
    private static readonly byte[] Header = "<13>Dec  5 05:35:10 loadhost load: "u8.ToArray();

    private readonly LoadOptions _options;
    private readonly TlsAuthenticator? _tls;
    private Socket? _socket;
    private Stream? _stream;
    private IReadOnlyList<FlumeEvent>? _encodedFor;
    private byte[] _encoded = [];

    public SyslogLoadClient(LoadOptions options)
    {
        Validate(options);
        _options = options;
        _tls = options.Tls is null ? null : TlsAuthenticator.ForClient(options.Tls);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <c>--size</c> cannot hold the syslog header and one byte.</summary>
    public static void Validate(LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BodySize < Header.Length + 1)
        {
            throw new ArgumentException($"--size {options.BodySize} is too small for a syslog message: at least {Header.Length + 1} bytes");
        }
    }

    public int BatchSize => _options.BatchSize;

    public bool IsActive => _socket?.Connected ?? false;

    public ValueTask AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken = default) =>
        AppendBatchAsync([flumeEvent], cancellationToken);

    public async ValueTask AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_socket is null)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            Stream? stream = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.Timeout);
                await socket.ConnectAsync(_options.Host, _options.Port, timeout.Token);
                stream = new NetworkStream(socket, ownsSocket: true);
                if (_tls is not null)
                {
                    stream = await _tls.AuthenticateAsClientAsync(stream, _options.Host, timeout.Token);
                }
            }
            catch
            {
                // A failed handshake has already disposed the stream, and with it the socket.
                socket.Dispose();
                throw;
            }

            _socket = socket;
            _stream = stream;
        }

        // The generator sends the same batch objects again and again: encode each once.
        if (!ReferenceEquals(events, _encodedFor))
        {
            _encoded = Encode(events, _options.BodySize);
            _encodedFor = events;
        }

        try
        {
            await _stream!.WriteAsync(_encoded, cancellationToken);
        }
        catch (IOException e)
        {
            await _stream!.DisposeAsync();
            _stream = null;
            _socket = null;
            throw new EventDeliveryException($"syslog load: sending to {_options.Host}:{_options.Port} failed: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await CloseAsync(_stream, _socket!);
        }

        _tls?.Dispose();
    }

    /// <summary>
    /// Ends the connection so the source reads every line: syslog is write-only, but a TLS 1.3 server sends session
    /// tickets nobody reads, and closing a socket with unread input sends a reset, which makes the source's kernel
    /// drop what it had not yet handed over. So: send our end (close_notify, FIN), read until the source closes,
    /// then close.
    /// </summary>
    private async Task CloseAsync(Stream stream, Socket socket)
    {
        try
        {
            if (stream is SslStream ssl)
            {
                await ssl.ShutdownAsync();
            }

            socket.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(_options.Timeout);
            var sink = new byte[4096];
            while (await stream.ReadAsync(sink, timeout.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The source went away first: nothing more to wait for.
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private static byte[] Encode(IReadOnlyList<FlumeEvent> events, int messageSize)
    {
        var bodyBytes = messageSize - Header.Length;
        var buffer = new byte[events.Count * (messageSize + 1)];
        var at = 0;
        foreach (var flumeEvent in events)
        {
            Header.CopyTo(buffer, at);
            at += Header.Length;
            var body = flumeEvent.Body.Span;
            for (var i = 0; i < bodyBytes; i++)
            {
                buffer[at++] = body.IsEmpty ? (byte)'x' : body[i % body.Length];
            }

            buffer[at++] = (byte)'\n';
        }

        return buffer;
    }

}
