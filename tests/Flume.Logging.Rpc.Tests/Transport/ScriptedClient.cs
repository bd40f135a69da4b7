using System.Collections.Concurrent;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Transport;

namespace Flume.Logging.Rpc.Tests.Transport;

/// <summary>
/// A <see cref="SingleHostRpcClient"/> whose protocol is a script: each request is recorded and answered by
/// <see cref="Exchange"/>, so the shared lifecycle is tested apart from Avro and Thrift.
/// </summary>
internal sealed class ScriptedClient : SingleHostRpcClient
{
    private readonly ConcurrentQueue<ScriptedRequest> _requests = new();
    private readonly ConcurrentQueue<TimeSpan> _resets = new();
    private readonly bool _holdsGate;
    private readonly bool _closedIsDeliveryFailure;
    private readonly bool _opensSession;
    private readonly bool _closesGracefully;
    private int _connections;

    public ScriptedClient(RpcHost host, RpcClientOptions options, TimeProvider timeProvider, ScriptedTraits traits)
        : base(host, options, timeProvider, wrapStream: null, $"scripted {host.Host}:{host.Port}")
    {
        _holdsGate = traits.HasFlag(ScriptedTraits.HoldsGateAcrossBatch);
        _closedIsDeliveryFailure = traits.HasFlag(ScriptedTraits.UseAfterDisposeIsDeliveryFailure);
        _opensSession = traits.HasFlag(ScriptedTraits.OpensSessionWithinConnectTimeout);
        _closesGracefully = traits.HasFlag(ScriptedTraits.ClosesIdleConnectionGracefully);
    }

    /// <summary>Answers a request; by default OK at once.</summary>
    public Func<ScriptedRequest, CancellationToken, ValueTask<EventStatus>> Exchange { get; set; } = (_, _) => ValueTask.FromResult(EventStatus.Ok);

    /// <summary>How many connections the client has opened.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public IReadOnlyList<ScriptedRequest> Requests => [.. _requests];

    public IReadOnlyList<TimeSpan> Resets => [.. _resets];

    protected override bool HoldsGateAcrossBatch => _holdsGate;

    protected override bool ReportsUseAfterDisposeAsDeliveryFailure => _closedIsDeliveryFailure;

    protected override bool OpensSessionWithinConnectTimeout => _opensSession;

    protected override bool ClosesIdleConnectionGracefully => _closesGracefully;

    protected override void OnConnected() => Interlocked.Increment(ref _connections);

    protected override void OnResettingConnection(TimeSpan interval) => _resets.Enqueue(interval);

    protected override ValueTask<EventStatus> ExchangeAsync(
        Connection connection, FlumeEvent? single, IReadOnlyList<FlumeEvent>? batch, int start, int count, CancellationToken cancellationToken)
    {
        var request = single is not null
            ? new ScriptedRequest(Body(single), 0, 1, Connections)
            : new ScriptedRequest(Body(batch![start]), start, count, Connections);
        _requests.Enqueue(request);
        return Exchange(request, cancellationToken);
    }

    protected override string DescribeTimeout(bool opening, TimeSpan timeout, bool single) =>
        $"{(opening ? "opening" : "request")} timed out after {timeout.TotalSeconds:0} s";

    protected override string DescribeConnectionFailure(Exception exception, bool single) => $"broke: {exception.Message}";

    protected override string DescribeStatus(EventStatus status, bool single) => $"{(single ? "append" : "appendBatch")} got {status}";

    private static string Body(FlumeEvent flumeEvent) => System.Text.Encoding.UTF8.GetString(flumeEvent.Body.Span);
}
