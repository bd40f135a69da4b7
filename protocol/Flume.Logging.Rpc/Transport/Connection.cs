using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Flume.Logging.Rpc.Transport;

/// <summary>
/// One TCP connection seen as pipes. The stream may be TLS and wrapped (zlib) below the pipes; the pipes own the
/// framing. A server's connection exists from accept and gets its stream (<see cref="Open"/>) once the TLS handshake,
/// if any, is done, so its limits cover the handshake.
/// </summary>
internal sealed partial class Connection : IAsyncDisposable
{
    /// <summary>
    /// Bytes each read asks the socket for. The default 4 KB took three or four reads (and as many trips through the
    /// socket engine) for one appendBatch of 100 100-byte events; 16 KB takes such a batch in one.
    /// </summary>
    internal const int ReadBufferSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly TimeProvider _timeProvider;
    private readonly long _acceptedAt;
    private Stream? _stream;
    private WatchedPipeReader? _input;
    private PipeWriter? _output;
    private int _disposed;
    private int _timedOut;

    /// <summary>A connection whose stream comes later, through <see cref="Open"/>.</summary>
    public Connection(Socket socket, EndPoint? remoteEndPoint, TimeProvider timeProvider)
    {
        _socket = socket;
        _timeProvider = timeProvider;
        _acceptedAt = timeProvider.GetTimestamp();
        Peer = remoteEndPoint?.ToString() ?? "unknown peer";
        RemoteAddress = (remoteEndPoint as IPEndPoint)?.Address;
    }

    /// <summary>A connection over <paramref name="stream"/> from the start.</summary>
    public Connection(Socket socket, Stream stream, EndPoint? remoteEndPoint, TimeProvider timeProvider)
        : this(socket, remoteEndPoint, timeProvider)
    {
        Open(stream);
    }

    /// <summary>The connection's socket.</summary>
    public Socket Socket => _socket;

    /// <summary>Gives the connection its stream (after TLS, if any); the pipes read and write it from now on.</summary>
    public void Open(Stream stream)
    {
        _stream = stream;
        _input = new WatchedPipeReader(PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, leaveOpen: true)), _timeProvider, _timeProvider.GetTimestamp());
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <summary>The remote address, for log lines and errors.</summary>
    public string Peer { get; }

    /// <summary>The peer's address, when it is an IP endpoint.</summary>
    public IPAddress? RemoteAddress { get; }

    public PipeReader Input => _input ?? throw new InvalidOperationException("the connection is not open yet");

    /// <summary>Whether the server closed this connection for breaking its <see cref="ConnectionLimits"/>.</summary>
    public bool TimedOut => Volatile.Read(ref _timedOut) != 0;

    /// <summary>Why the connection breaks <paramref name="limits"/> now, or null.</summary>
    public string? CheckLimits(ConnectionLimits limits) =>
        _input is { } input
            ? input.CheckLimits(limits)
            : limits.IdleTimeout > TimeSpan.Zero && _timeProvider.GetElapsedTime(_acceptedAt) >= limits.IdleTimeout
                ? $"no TLS handshake within idle-timeout ({limits.IdleTimeout.TotalSeconds:0.###} s)"
                : null;

    /// <summary>Closes the connection for breaking its limits; its handler's pending read fails.</summary>
    public void TimeOut()
    {
        Volatile.Write(ref _timedOut, 1);
        Abort();
    }

    public PipeWriter Output => _output ?? throw new InvalidOperationException("the connection is not open yet");

    /// <summary>
    /// Writes <paramref name="bytes"/> to the stream in one write and flushes it (for deflate, a zlib sync flush), past
    /// <see cref="Output"/>. A request the client encoded whole in one buffer, frame header included, so goes out in
    /// one send on a plain TCP connection; through <see cref="Output"/> it was first copied into the pipe's segments
    /// and each segment written on its own (a 12-byte frame header and the message: two sends, two TCP segments, and
    /// the peer read the header alone). Only for connections that never leave bytes unflushed in <see cref="Output"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var stream = _stream ?? throw new InvalidOperationException("the connection is not open yet");
        await stream.WriteAsync(bytes, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Whether the peer closed the connection while it sat between requests (the socket reads as ended or reset).
    /// A client checks this before reusing a connection, so a server's idle-timeout costs a reconnect, not a failed
    /// request.
    /// </summary>
    public bool IsClosedByPeer
    {
        get
        {
            try
            {
                return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return true;
            }
        }
    }

    /// <summary>Closes the socket at once, failing any pending read or write.</summary>
    public void Abort()
    {
        try
        {
            _socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
            // Already closed by the other side of the race.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (_input is not null)
            {
                await _input.CompleteAsync();
            }

            if (_output is not null)
            {
                await _output.CompleteAsync();
            }

            if (_stream is not null)
            {
                await _stream.DisposeAsync();
            }
        }
        catch (IOException)
        {
            // The peer is gone; closing is all that is left to do.
        }
        catch (SocketException)
        {
            // Likewise.
        }
        catch (ObjectDisposedException)
        {
            // Aborted earlier.
        }
        finally
        {
            if (_readerDone is not null)
            {
                // The connection's own thread (RunOnOwnThread) sits in recv. A shutdown wakes it and ends the connection
                // with a FIN, as closing an idle socket does; closing it under a blocked recv would make .NET reset
                // it, and a reset can destroy an answer the peer has not read yet.
                try
                {
                    _socket.Shutdown(SocketShutdown.Both);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // Already reset by the peer, or aborted: the thread's recv has failed or will.
                }

                await _readerDone.Task;
            }

            _socket.Dispose();
        }
    }
}
