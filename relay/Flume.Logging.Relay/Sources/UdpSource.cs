using System.Net;
using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Relay.Support;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources;

/// <summary>
/// What Flume's UDP sources (<c>syslogudp</c>, <c>netcatudp</c>) share: a socket bound to one port whose
/// datagrams each become at most one event. Datagrams already queued in the socket are committed together, up to
/// <see cref="MaxBatch"/> per transaction. UDP has no way to slow a sender, so when the channel refuses a batch its
/// events are dropped and counted (<c>ChannelWriteFail</c>), as Flume does.
/// </summary>
internal abstract partial class UdpSource : ISource, IMonitoredComponent, IAsyncDisposable
{
    /// <summary>Most datagrams committed in one transaction, the default transactionCapacity.</summary>
    private const int MaxBatch = 100;

    /// <summary>The largest UDP payload.</summary>
    private const int MaxDatagram = 65_536;

    /// <summary>Kernel buffer for bursts that arrive while a batch commits.</summary>
    private const int ReceiveBufferBytes = 4 << 20;

    /// <summary>Least time between two log lines about dropped datagrams.</summary>
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(5);

    private readonly string _bind;
    private readonly int _port;
    private readonly string _kind;
    private readonly ChannelProcessor _processor;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly FailurePacer _drops;
    private Socket? _socket;
    private Task? _receiveLoop;
    private IPEndPoint? _localEndPoint;

    protected UdpSource(string kind, string name, string bind, int port, ChannelProcessor processor, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(processor);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(bind))
        {
            throw new ArgumentException($"{kind} source {name}: the address to bind is required", nameof(bind));
        }

        if (port is < 0 or > 65535)
        {
            throw new ArgumentException($"{kind} source {name}: port must be 0-65535 (got {port})", nameof(port));
        }

        _kind = kind;
        Name = name;
        _bind = bind;
        _port = port;
        _processor = processor;
        TimeProvider = timeProvider;
        _drops = new FailurePacer(timeProvider, DropLogInterval);
        _logger = logger;
        Counter = new SourceCounter(name);
    }

    public string Name { get; }

    /// <summary>Flume's source counters of this source.</summary>
    public SourceCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    /// <summary>The bound address, valid once started.</summary>
    public IPEndPoint LocalEndPoint => _localEndPoint ?? throw new InvalidOperationException($"{_kind} source {Name} has not been started");

    protected TimeProvider TimeProvider { get; }

    protected ILogger Logger => _logger;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var address = await TcpServer.ResolveBindAddressAsync($"{_kind} source {Name}", _bind, cancellationToken);
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = ReceiveBufferBytes;
            socket.Bind(new IPEndPoint(address, _port));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var why = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "the port is already in use" : e.Message;
            throw new RpcServerException($"{_kind} source {Name} cannot listen on {_bind}:{_port}/udp: {why}", e);
        }

        _socket = socket;
        _localEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        LogListening(_kind, Name, _localEndPoint);
        Counter.Start();
        _receiveLoop = ReceiveLoopAsync(socket, _stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_socket is null || _stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        _socket.Dispose();
        if (_receiveLoop is not null)
        {
            await _receiveLoop.WaitAsync(cancellationToken);
        }

        Counter.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await StopAsync(timeout.Token);
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The event for one datagram from <paramref name="remote"/>, or null when the datagram makes none (counted
    /// by the caller as a read failure).
    /// </summary>
    protected abstract ValueTask<FlumeEvent?> CreateEventAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, DateTimeOffset now);

    /// <summary>The bytes up to the first newline: Flume's UDP sources read one line per datagram and drop the rest.</summary>
    protected static ReadOnlyMemory<byte> FirstLine(ReadOnlyMemory<byte> datagram)
    {
        var newline = datagram.Span.IndexOf((byte)'\n');
        return newline < 0 ? datagram : datagram[..newline];
    }

    private async Task ReceiveLoopAsync(Socket socket, CancellationToken stopping)
    {
        var buffer = new byte[MaxDatagram];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var batch = new List<FlumeEvent>(MaxBatch);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                do
                {
                    var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stopping);
                    var datagram = buffer.AsMemory(0, received.ReceivedBytes);
                    if (await CreateEventAsync(datagram, (IPEndPoint)received.RemoteEndPoint, TimeProvider.GetUtcNow()) is { } flumeEvent)
                    {
                        batch.Add(flumeEvent);
                    }
                    else
                    {
                        Counter.AddEventReadFail(1);
                    }
                }
                while (batch.Count < MaxBatch && socket.Available > 0);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException
                                      || (e is SocketException s && s.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted))
            {
                // Stopping: what was read is still committed below.
                stopping = new CancellationToken(canceled: true);
            }
            catch (SocketException e)
            {
                // An ICMP error from an earlier send (connection reset) surfaces here on some systems; keep serving.
                LogReceiveFailed(_kind, Name, e.SocketErrorCode);
            }

            await CommitAsync(batch);
            batch.Clear();
        }
    }

    private async ValueTask CommitAsync(List<FlumeEvent> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        Counter.AddEventsReceived(batch.Count);
        // Flume's UDP sources commit each datagram on its own; this one commits the datagrams of a burst together,
        // and falls back to one at a time where Flume's way would have stored them. Not cancelled at stop: a datagram
        // cannot be sent again, so what was received gets its chance.
        await _processor.ProcessBatchOrEachAsync(batch, this, static (source, count, failure) =>
        {
            source.Record(count, failure);
            return ValueTask.CompletedTask;
        }, CancellationToken.None);
    }

    private void Record(int count, ChannelException? failure)
    {
        if (failure is null)
        {
            Counter.AddEventsAccepted(count);
            return;
        }

        // A full channel refuses batch after batch: say so once per interval, with the count, not per batch.
        Counter.IncrementChannelWriteFail();
        if (_drops.Failed(count) is { } tally)
        {
            LogDropped(_kind, Name, tally.Events, failure.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} source {Source} listening on {EndPoint}/udp")]
    private partial void LogListening(string kind, string source, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} source {Source}: receive failed: {Error}")]
    private partial void LogReceiveFailed(string kind, string source, SocketError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} source {Source}: {Count} datagrams dropped since the last report, the channel refused them: {Reason}")]
    private partial void LogDropped(string kind, string source, long count, string reason);
}
