using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Support;
using Flume.Logging.Rpc;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources;

/// <summary>
/// Flume's <c>avro</c> and <c>thrift</c> sources: an RPC server whose requests go through the channel
/// processor. A request is answered OK only after every required channel committed it; a channel that cannot
/// take it answers FAILED, so the client keeps the events and retries.
/// </summary>
internal sealed partial class RpcSource : ListeningSource, IBorrowingEventReceiver
{
    private readonly ChannelProcessor _processor;
    private readonly ILogger _logger;
    private readonly IRpcServer _server;
    private readonly FailurePacer _refusals;

    /// <param name="name">The source's name.</param>
    /// <param name="processor">Where accepted events go.</param>
    /// <param name="createServer">
    /// Builds the Avro or Thrift server around this receiver; set <see cref="ListeningSource.Counter"/> as the server's
    /// <see cref="RpcServerOptions.ConnectionObserver"/> to count connections and unreadable input.
    /// </param>
    /// <param name="timeProvider">The clock that paces the warnings about refused requests.</param>
    /// <param name="logger">The source's log.</param>
    public RpcSource(string name, ChannelProcessor processor, Func<RpcSource, IRpcServer> createServer, TimeProvider timeProvider, ILogger<RpcSource> logger)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(createServer);
        _processor = processor;
        _logger = logger;
        _refusals = new FailurePacer(timeProvider);
        _server = createServer(this);
    }

    protected override IRpcServer Server => _server;

    public bool AcceptsBorrowedBodies => _processor.KeepsBorrowedBodies;

    public async ValueTask<EventStatus> AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken)
    {
        Counter.IncrementAppendReceived();
        var status = await ProcessAsync([flumeEvent], cancellationToken);
        if (status == EventStatus.Ok)
        {
            Counter.IncrementAppendAccepted();
        }

        return status;
    }

    public async ValueTask<EventStatus> AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken)
    {
        Counter.IncrementAppendBatchReceived();
        var status = await ProcessAsync(events, cancellationToken);
        if (status == EventStatus.Ok)
        {
            Counter.IncrementAppendBatchAccepted();
        }

        return status;
    }

    private async ValueTask<EventStatus> ProcessAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken)
    {
        Counter.AddEventsReceived(events.Count);
        try
        {
            await _processor.ProcessClientBatchAsync(events, cancellationToken);
            Counter.AddEventsAccepted(events.Count);
            if (_refusals.Succeeded() is { } tally)
            {
                LogTakenAgain(Name, tally.Failures, tally.Events);
            }

            return EventStatus.Ok;
        }
        catch (ChannelException e)
        {
            Counter.IncrementChannelWriteFail();
            if (_refusals.Failed(events.Count) is { } tally)
            {
                LogRefused(Name, events.Count, e.Message, tally.Failures, tally.Events);
            }

            return EventStatus.Failed;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "source {Source}: answered FAILED to {Count} events, the client will retry: {Reason}. Refused since the last such warning (one per 10 s at most): {Requests} requests, {Events} events")]
    private partial void LogRefused(string source, int count, string reason, int requests, long events);

    [LoggerMessage(Level = LogLevel.Warning, Message = "source {Source}: the channels take requests again. Refused since the last warning: {Requests} requests, {Events} events")]
    private partial void LogTakenAgain(string source, int requests, long events);
}
