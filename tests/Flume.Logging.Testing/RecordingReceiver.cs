using System.Collections.Concurrent;
using System.Net;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Tls;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Testing;

/// <summary>
/// A server-side receiver for RPC tests: records every event and request size, answers <see cref="Status"/>,
/// throws <see cref="Failure"/> when set, and can hold requests to test what happens while one is in flight.
/// </summary>
public sealed class RecordingReceiver : IEventReceiver, IConnectionObserver
{
    private int _appends;
    private int _refusedConnections;
    private int _openConnections;
    private volatile bool _refusing;

    public ConcurrentQueue<FlumeEvent> Events { get; } = new();

    /// <summary>The size of each <c>appendBatch</c> request, in arrival order.</summary>
    public ConcurrentQueue<int> BatchSizes { get; } = new();

    /// <summary>How many single-event <c>append</c> requests arrived.</summary>
    public int AppendCount => _appends;

    /// <summary>The status every request is answered with. Default: OK.</summary>
    public EventStatus Status { get; set; } = EventStatus.Ok;

    /// <summary>When set, every request throws it instead of being recorded.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, a request signals <see cref="Entered"/> and waits for this before it is recorded and answered.</summary>
    public Task? Hold { get; set; }

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, every request waits this long before it is recorded and answered: a slow relay.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>
    /// While true, a server whose peer filter is <see cref="AdmitAsync"/> (every one <see cref="ServeAvroAsync"/>
    /// starts) closes each connection before a byte, as a relay that is not up yet; clear it to let clients in. The
    /// server listens all along, so a relay that "comes up" needs no rebind of a port a client already knows.
    /// </summary>
    public bool Refusing
    {
        get => _refusing;
        set => _refusing = value;
    }

    /// <summary>
    /// Connections open now on a server this receiver observes (every one <see cref="ServeAvroAsync"/> starts). A
    /// connection closes only after the requests read from it were recorded, so 0 once a client has gone means that
    /// everything it sent is in <see cref="Events"/>.
    /// </summary>
    public int OpenConnections => Volatile.Read(ref _openConnections);

    /// <summary>Connections closed unserved while <see cref="Refusing"/>: proof that a client tried.</summary>
    public int RefusedConnections => Volatile.Read(ref _refusedConnections);

    /// <summary>The peer filter behind <see cref="Refusing"/>, for servers a test builds itself.</summary>
    public ValueTask<bool> AdmitAsync(IPAddress peer, CancellationToken cancellationToken)
    {
        if (!_refusing)
        {
            return ValueTask.FromResult(true);
        }

        Interlocked.Increment(ref _refusedConnections);
        return ValueTask.FromResult(false);
    }

    /// <summary>
    /// Starts an avro server on 127.0.0.1:<paramref name="port"/> (by default 0: a port the kernel picks, read back
    /// from the server's LocalEndPoint) whose requests this receiver records, with TLS when <paramref name="tls"/> is given.
    /// </summary>
    public async Task<IRpcServer> ServeAvroAsync(int port = 0, TlsOptions? tls = null)
    {
        var server = AvroRpc.CreateServer("receiver", new RpcServerOptions { Bind = "127.0.0.1", Port = port, Tls = tls, PeerFilter = AdmitAsync, ConnectionObserver = this }, this, NullLoggerFactory.Instance);
        try
        {
            await server.StartAsync(CancellationToken.None);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    void IConnectionObserver.ConnectionOpened() => Interlocked.Increment(ref _openConnections);

    void IConnectionObserver.ConnectionClosed() => Interlocked.Decrement(ref _openConnections);

    void IConnectionObserver.InputRejected()
    {
        // Counted by the tests that send bad input through their own servers, not here.
    }

    void IConnectionObserver.ConnectionRefused()
    {
        // As above: connection limits are tested on servers of their own.
    }

    void IConnectionObserver.ConnectionTimedOut()
    {
        // As above.
    }

    public ValueTask<EventStatus> AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken) =>
        ReceiveAsync([flumeEvent], batch: false);

    public ValueTask<EventStatus> AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken) =>
        ReceiveAsync(events, batch: true);

    private async ValueTask<EventStatus> ReceiveAsync(IReadOnlyList<FlumeEvent> events, bool batch)
    {
        if (Failure is not null)
        {
            throw Failure;
        }

        if (Hold is not null)
        {
            Entered.TrySetResult();
            await Hold;
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        if (batch)
        {
            BatchSizes.Enqueue(events.Count);
        }
        else
        {
            Interlocked.Increment(ref _appends);
        }

        foreach (var flumeEvent in events)
        {
            Events.Enqueue(flumeEvent);
        }

        return Status;
    }
}
