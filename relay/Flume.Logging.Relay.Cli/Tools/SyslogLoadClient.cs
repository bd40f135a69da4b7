using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;

namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>
/// <c>relay load --protocol syslog</c>: one TCP connection to a syslog source, writing each event as one
/// newline-terminated RFC 3164 line of exactly <see cref="LoadOptions.BodySize"/> bytes (header included, newline
/// not), the shape syslog-ng's published figure uses. Syslog has no acknowledgement: a batch is done when the
/// kernel took its bytes, so a relay that falls behind slows the load through TCP's window.
/// </summary>
internal sealed class SyslogLoadClient : IRpcClient
{
    /// <summary>The fixed header of every line; the event body fills the rest of the message.</summary>
    private static readonly byte[] Header = "<13>Dec  5 05:35:10 loadhost load: "u8.ToArray();

    private readonly LoadOptions _options;
    private Socket? _socket;
    private IReadOnlyList<FlumeEvent>? _encodedFor;
    private byte[] _encoded = [];

    public SyslogLoadClient(LoadOptions options)
    {
        Validate(options);
        _options = options;
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
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.Timeout);
                await socket.ConnectAsync(_options.Host, _options.Port, timeout.Token);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            _socket = socket;
        }

        // The generator sends the same batch objects again and again: encode each once.
        if (!ReferenceEquals(events, _encodedFor))
        {
            _encoded = Encode(events, _options.BodySize);
            _encodedFor = events;
        }

        try
        {
            await _socket.SendAsync(_encoded, SocketFlags.None, cancellationToken);
        }
        catch (SocketException e)
        {
            _socket.Dispose();
            _socket = null;
            throw new EventDeliveryException($"syslog load: sending to {_options.Host}:{_options.Port} failed: {e.Message}", e);
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        return ValueTask.CompletedTask;
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
