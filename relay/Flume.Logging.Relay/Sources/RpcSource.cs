using System.Net;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Rpc;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources;

/// <summary>
/// Flume's <c>avro</c> and <c>thrift</c> sources: an RPC server whose requests go through the channel
/// processor. A request is answered OK only after every required channel committed it; a channel that cannot
/// take it answers FAILED, so the client keeps the events and retries.
/// </summary>
internal sealed partial class RpcSource : ISource, IEventReceiver, IAsyncDisposable
{
    private readonly ChannelProcessor _processor;
    private readonly ILogger _logger;
    private readonly IRpcServer _server;

    /// <param name="name">The source's name.</param>
    /// <param name="processor">Where accepted events go.</param>
    /// <param name="createServer">Builds the Avro or Thrift server around this receiver.</param>
    /// <param name="logger">The source's log.</param>
    public RpcSource(string name, ChannelProcessor processor, Func<IEventReceiver, IRpcServer> createServer, ILogger<RpcSource> logger)
    {
        ArgumentNullException.ThrowIfNull(createServer);
        Name = name;
        _processor = processor;
        _logger = logger;
        _server = createServer(this);
    }

    public string Name { get; }

    /// <summary>The bound address, valid once started.</summary>
    public IPEndPoint LocalEndPoint => _server.LocalEndPoint;

    public Task StartAsync(CancellationToken cancellationToken) => _server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    public ValueTask<EventStatus> AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken) =>
        AppendBatchAsync([flumeEvent], cancellationToken);

    public async ValueTask<EventStatus> AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            await _processor.ProcessBatchAsync(events, cancellationToken);
            return EventStatus.Ok;
        }
        catch (ChannelException e)
        {
            LogRefused(Name, events.Count, e.Message);
            return EventStatus.Failed;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "source {Source}: answered FAILED to {Count} events, the client will retry: {Reason}")]
    private partial void LogRefused(string source, int count, string reason);
}
