using System.Collections.Concurrent;
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
public sealed class RecordingReceiver : IEventReceiver
{
    private int _appends;

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
    /// Starts an avro server on 127.0.0.1:<paramref name="port"/> (0: any free port, see its LocalEndPoint) whose
    /// requests this receiver records, with TLS when <paramref name="tls"/> is given.
    /// </summary>
    public async Task<IRpcServer> ServeAvroAsync(int port, TlsOptions? tls = null)
    {
        var server = AvroRpc.CreateServer("receiver", new RpcServerOptions { Bind = "127.0.0.1", Port = port, Tls = tls }, this, NullLoggerFactory.Instance);
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
