using Flume.Logging.Protocol;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sinks;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Channels;

/// <summary>
/// What a source hands events to, Flume's <c>ChannelProcessor</c>: runs the interceptors, asks the selector for
/// channels, and puts the events into each channel in one transaction per channel. Returns only once every
/// required channel has committed, so a source acknowledges its client only after the commit.
/// </summary>
/// <remarks>
/// As in Flume, channels commit one after another: if a later required channel fails, earlier ones keep the
/// events and the client's retry duplicates them there. That is the at-least-once contract.
/// </remarks>
public sealed partial class ChannelProcessor
{
    private readonly IChannelSelector _selector;
    private readonly IReadOnlyList<IInterceptor> _interceptors;
    private readonly ILogger _logger;
    private int _unroutedReported;

    // As much of a body as Flume's EventHelper.dumpEvent shows, which its sources use for raw data logging.
    private const int RawDataBodyBytes = 16;

    /// <summary>Creates a processor over the selector's channels with the given interceptor chain.</summary>
    public ChannelProcessor(IChannelSelector selector, IReadOnlyList<IInterceptor> interceptors, ILogger<ChannelProcessor> logger)
    {
        _selector = selector;
        _interceptors = interceptors;
        _logger = logger;
        KeepsBorrowedBodies = interceptors.Count == 0 && selector is ReplicatingChannelSelector && AllKeepBorrowedBodies(selector.AllChannels);
    }

    /// <summary>
    /// Whether events may borrow their bodies from a source's pooled request buffer (<see cref="EventBuffer"/>):
    /// only when every event goes unchanged to memory or file channels, which retain the buffer for as long as they
    /// hold the events in memory (the file channel copies each body into its log at commit, and retains the buffer of
    /// events its event cache keeps). Interceptors may keep or rebuild events, and other channels keep events in ways
    /// that do not retain it.
    /// </summary>
    internal bool KeepsBorrowedBodies { get; }

    /// <summary>
    /// The source whose received events are logged at debug level, headers and the start of the body (Flume's
    /// <c>-Dorg.apache.flume.log.rawdata=true</c>); null, the default, logs none.
    /// </summary>
    internal string? RawDataSource { get; init; }

    /// <summary>Every channel this processor can write to.</summary>
    public IReadOnlyList<IChannel> Channels => _selector.AllChannels;

    /// <summary>
    /// Commits <paramref name="events"/> together and reports the outcome to <paramref name="onOutcome"/> (state, how
    /// many events, and the <see cref="ChannelException"/> a required channel refused them with, or null). For sources
    /// that batch what Flume's commit one event at a time (netcat, the UDP sources): a batch refused for another reason
    /// than lack of room (more events than a channel's transactionCapacity, say) is committed one event at a time
    /// instead, each reported on its own, as Flume would have. A full channel is not retried event by event: each
    /// would wait out the channel's keep-alive. Each outcome is awaited before the next event is tried, so a source can
    /// answer every event as soon as it is processed.
    /// </summary>
    /// <param name="events">The batch.</param>
    /// <param name="state">Passed to <paramref name="onOutcome"/>, so that it need not capture.</param>
    /// <param name="onOutcome">Told each outcome, in order.</param>
    /// <param name="cancellationToken">
    /// Abandons a put that waits for room (the source is stopping): that put and the events after it are neither
    /// committed nor reported, and <see cref="OperationCanceledException"/> is thrown.
    /// </param>
    public async ValueTask ProcessBatchOrEachAsync<TState>(
        IReadOnlyList<FlumeEvent> events, TState state, Func<TState, int, ChannelException?, ValueTask> onOutcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(onOutcome);
        LogReceived(events);
        var failure = await TryProcessBatchAsync(events, cancellationToken);
        if (failure is null || events.Count == 1 || failure is ChannelFullException)
        {
            await onOutcome(state, events.Count, failure);
            return;
        }

        foreach (var flumeEvent in events)
        {
            await onOutcome(state, 1, await TryProcessBatchAsync([flumeEvent], cancellationToken));
        }
    }

    private async ValueTask<ChannelException?> TryProcessBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            await ProcessAsync(events, split: false, cancellationToken);
            return null;
        }
        catch (ChannelException e)
        {
            return e;
        }
    }

    /// <summary>
    /// Puts the events into their channels. Throws <see cref="ChannelException"/> when a required channel cannot
    /// take them; the source must then answer FAILED so the client retries.
    /// </summary>
    public ValueTask ProcessBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken)
    {
        LogReceived(events);
        return ProcessAsync(events, split: false, cancellationToken);
    }

    /// <summary>
    /// Puts a batch whose size a client chose (the avro, thrift and http sources), as <see cref="ProcessBatchAsync"/>
    /// does, except that the events a channel gets are put in transactions of at most its transactionCapacity. An
    /// appender with a batch of 1000 against Flume's default transactionCapacity of 100 would otherwise be refused,
    /// and retry, for ever. If a later part is refused, the earlier ones stay committed and the client's retry sends
    /// them again: at least once, as for a batch that reached one channel of several before another refused it.
    /// </summary>
    public ValueTask ProcessClientBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken)
    {
        LogReceived(events);
        return ProcessAsync(events, split: true, cancellationToken);
    }

    private void LogReceived(IReadOnlyList<FlumeEvent> events)
    {
        if (RawDataSource is not { } source || events is null || !_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        for (var i = 0; i < events.Count; i++)
        {
            LogRawEvent(source, new EventDump(events[i], RawDataBodyBytes));
        }
    }

    private async ValueTask ProcessAsync(IReadOnlyList<FlumeEvent> events, bool split, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_interceptors.Count == 0 && _selector is ReplicatingChannelSelector && events.Count > 0)
        {
            // Every event goes to the same channels: put the batch as it is, with no per-event routing.
            await PutEverywhereAsync(events, _selector.GetRequiredChannels(events[0]), _selector.GetOptionalChannels(events[0]), split, cancellationToken);
            return;
        }

        var routed = Route(events);
        foreach (var (channel, channelEvents) in routed.Required)
        {
            await PutAllAsync(channel, channelEvents, split, cancellationToken);
        }

        foreach (var (channel, channelEvents) in routed.Optional)
        {
            try
            {
                await PutAllAsync(channel, channelEvents, split, cancellationToken);
            }
            catch (ChannelException e)
            {
                LogOptionalChannelFailed(channel.Name, channelEvents.Count, e.Message);
            }
        }
    }

    /// <summary>Puts one event, as <see cref="ProcessBatchAsync"/> does for a batch.</summary>
    public ValueTask ProcessEventAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken) =>
        ProcessBatchAsync([flumeEvent], cancellationToken);

    /// <summary>
    /// Puts one event of a batch already passed to <see cref="ProcessBatchAsync"/> and refused, as
    /// <see cref="ProcessEventAsync"/> does, without logging it as received again.
    /// </summary>
    internal ValueTask RetryEventAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken) =>
        ProcessAsync([flumeEvent], split: false, cancellationToken);

    private async ValueTask PutEverywhereAsync(
        IReadOnlyList<FlumeEvent> events, IReadOnlyList<IChannel> required, IReadOnlyList<IChannel> optional, bool split, CancellationToken cancellationToken)
    {
        for (var i = 0; i < required.Count; i++)
        {
            await PutAllAsync(required[i], events, split, cancellationToken);
        }

        for (var i = 0; i < optional.Count; i++)
        {
            try
            {
                await PutAllAsync(optional[i], events, split, cancellationToken);
            }
            catch (ChannelException e)
            {
                LogOptionalChannelFailed(optional[i].Name, events.Count, e.Message);
            }
        }
    }

    /// <summary>Puts the events in one transaction, or with <paramref name="split"/> in parts of the channel's transactionCapacity.</summary>
    private static async ValueTask PutAllAsync(IChannel channel, IReadOnlyList<FlumeEvent> events, bool split, CancellationToken cancellationToken)
    {
        if (split && channel is ITransactionCapacitySupported { TransactionCapacity: var capacity and > 0 } && events.Count > capacity)
        {
            for (var start = 0; start < events.Count; start += capacity)
            {
                await PutRangeAsync(channel, events, start, Math.Min(capacity, events.Count - start), cancellationToken);
            }

            return;
        }

        await PutRangeAsync(channel, events, 0, events.Count, cancellationToken);
    }

    private static async ValueTask PutRangeAsync(
        IChannel channel, IReadOnlyList<FlumeEvent> events, int start, int count, CancellationToken cancellationToken)
    {
        using var transaction = channel.BeginTransaction();
        try
        {
            for (var i = start; i < start + count; i++)
            {
                transaction.Put(events[i]);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not ChannelException and not OperationCanceledException)
        {
            transaction.Rollback();
            throw new ChannelException($"channel {channel.Name}: put failed: {e.Message}", e);
        }
        catch
        {
            transaction.Rollback();
            throw;
        }
    }

    private static void Add(Dictionary<IChannel, List<FlumeEvent>> perChannel, IReadOnlyList<IChannel> channels, FlumeEvent flumeEvent)
    {
        for (var i = 0; i < channels.Count; i++)
        {
            if (!perChannel.TryGetValue(channels[i], out var list))
            {
                list = [];
                perChannel[channels[i]] = list;
            }

            list.Add(flumeEvent);
        }
    }

    private (Dictionary<IChannel, List<FlumeEvent>> Required, Dictionary<IChannel, List<FlumeEvent>> Optional) Route(IReadOnlyList<FlumeEvent> events)
    {
        var required = new Dictionary<IChannel, List<FlumeEvent>>(ReferenceEqualityComparer.Instance);
        var optional = new Dictionary<IChannel, List<FlumeEvent>>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < events.Count; i++)
        {
            var flumeEvent = Intercept(events[i]);
            if (flumeEvent is null)
            {
                continue;
            }

            var requiredChannels = _selector.GetRequiredChannels(flumeEvent);
            var optionalChannels = _selector.GetOptionalChannels(flumeEvent);
            if (requiredChannels.Count == 0 && optionalChannels.Count == 0 && Interlocked.Exchange(ref _unroutedReported, 1) == 0)
            {
                // Flume drops such an event without a word; say it once, so a missing selector.default is found.
                LogUnrouted(_selector is MultiplexingChannelSelector multiplexing ? multiplexing.Describe(flumeEvent) : _selector.GetType().Name);
            }

            Add(required, requiredChannels, flumeEvent);
            Add(optional, optionalChannels, flumeEvent);
        }

        return (required, optional);
    }

    private FlumeEvent? Intercept(FlumeEvent flumeEvent)
    {
        FlumeEvent? current = flumeEvent;
        for (var i = 0; i < _interceptors.Count && current is not null; i++)
        {
            current = _interceptors[i].Intercept(current);
        }

        return current;
    }

    private static bool AllKeepBorrowedBodies(IReadOnlyList<IChannel> channels)
    {
        for (var i = 0; i < channels.Count; i++)
        {
            if (channels[i] is not (MemoryChannel or DurableFileChannel))
            {
                return false;
            }
        }

        return channels.Count > 0;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "source {Source} received event: {Event}")]
    private partial void LogRawEvent(string source, EventDump @event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "an event matched no channel and was dropped, as Flume drops it ({Selector}); later ones are dropped without this line")]
    private partial void LogUnrouted(string selector);

    [LoggerMessage(Level = LogLevel.Warning, Message = "optional channel {Channel} could not take {Count} events: {Reason}")]
    private partial void LogOptionalChannelFailed(string channel, int count, string reason);
}
