using Flume.Logging.Appenders;
using Flume.Logging.Rpc;
using NLog.Common;
using NLog.Config;
using NLog.Targets.Wrappers;

namespace NLog.Targets.Flume;

/// <summary>
/// Sends log events to Apache Flume or a Flume.Logging relay (<c>xsi:type="Flume"</c>). The layout renders the
/// body; each <c>&lt;header name="..." layout="..."/&gt;</c> adds a header after Flume's log4j appender headers.
/// NLog's own <see cref="AsyncTaskTarget.BatchSize"/>, <see cref="AsyncTaskTarget.QueueLimit"/> and
/// <see cref="AsyncTaskTarget.OverflowAction"/> also set the delivery queue's batch size, limit and overflow mode.
/// Dropped events and delivery problems are reported through NLog's <see cref="InternalLogger"/>.
/// </summary>
[Target("Flume")]
public sealed class FlumeTarget : AsyncTaskTarget
{
    // The core's defaults, so the target and the other front ends can never drift apart.
    private static readonly FlumeAppenderOptions Defaults = new();

    private readonly Func<RpcClientOptions, IRpcClient>? _clientFactory;
    private FlumeDelivery? _delivery;
    private FlumeEventFactory? _events;
    private long _droppedBeforeClose;

    /// <summary>A target with the defaults below: layout <c>${message}</c> plus the exception, batches of 100, Block on overflow.</summary>
    public FlumeTarget()
        : this(null)
    {
    }

    /// <summary>A target whose RPC client is built by <paramref name="clientFactory"/> (tests hand in a fake client).</summary>
    internal FlumeTarget(Func<RpcClientOptions, IRpcClient>? clientFactory)
    {
        _clientFactory = clientFactory;
        Layout = "${message}${onexception:inner=${newline}${exception:format=tostring}}";
        BatchSize = 100;
        OverflowAction = AsyncTargetWrapperOverflowAction.Block;
    }

    /// <summary>Space-separated <c>host:port</c> list of the relays (several: load balancing). Required.</summary>
    public string Hosts { get; set; } = "";

    /// <summary>Wire protocol, <c>Avro</c> or <c>Thrift</c>. Default: Avro.</summary>
    public FlumeProtocol Protocol { get; set; } = Defaults.Protocol;

    /// <summary>Compression of Avro connections, <c>None</c> or <c>Deflate</c>. Default: None.</summary>
    public CompressionType Compression { get; set; } = Defaults.Compression;

    /// <summary>Order in which several hosts are tried, <c>RoundRobin</c> or <c>Random</c>. Default: RoundRobin.</summary>
    public HostSelectorKind Selector { get; set; } = Defaults.Selector;

    /// <summary>Longest an event waits for its batch to fill before it is sent anyway. Default: 1 s.</summary>
    public TimeSpan FlushInterval { get; set; } = Defaults.FlushInterval;

    /// <summary>Most bytes held in memory waiting to be sent. Default: 64 MiB.</summary>
    public long QueueByteLimit { get; set; } = Defaults.QueueByteLimit;

    /// <summary>With <c>overflowAction="Block"</c>, longest a queued event waits for room before it is dropped. Default: 100 ms.</summary>
    public TimeSpan BlockTimeout { get; set; } = Defaults.BlockTimeout;

    /// <summary>Longest a failed host is skipped, and the cap of the retry backoff. Default: 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = Defaults.MaxBackoff;

    /// <summary>Time allowed to connect to a relay and complete the first request. Default: 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = Defaults.ConnectTimeout;

    /// <summary>Time allowed for each later request. Default: 20 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = Defaults.RequestTimeout;

    /// <summary>Folder of the durable local buffer used while the relays are down. Default: none (memory only).</summary>
    public string? BufferPath { get; set; }

    /// <summary>Most events the durable buffer holds. Default: 1000000.</summary>
    public int BufferSizeLimit { get; set; } = Defaults.BufferSizeLimit;

    /// <summary>Longest a flush or the close of the target spends sending what is still queued. Default: 10 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = Defaults.ShutdownTimeout;

    /// <summary>Header carrying this machine's host name; empty for none. Default: <c>flume.client.log4j.address</c>.</summary>
    public string HostNameHeader { get; set; } = Defaults.HostNameHeader ?? "";

    /// <summary>Extra headers, one <c>&lt;header name="..." layout="..."/&gt;</c> each, rendered per event.</summary>
    [ArrayParameter(typeof(TargetPropertyWithContext), "header")]
    public IList<TargetPropertyWithContext> Headers { get; } = [];

    /// <summary>The delivery core while the target is initialized (tests read its counters).</summary>
    internal FlumeDelivery? Delivery => _delivery;

    /// <summary>Events dropped by the delivery core, including those of cores closed by earlier reconfigurations.</summary>
    internal long EventsDropped => Interlocked.Read(ref _droppedBeforeClose) + (_delivery?.EventsDropped ?? 0);

    /// <summary>The delivery settings these properties describe, NLog's queue names mapped to the core's.</summary>
    internal FlumeAppenderOptions ToAppenderOptions() => new()
    {
        Hosts = Hosts,
        Protocol = Protocol,
        Compression = Compression,
        Selector = Selector,
        BatchSize = BatchSize,
        QueueLimit = QueueLimit,
        Overflow = ToOverflowMode(OverflowAction),
        FlushInterval = FlushInterval,
        QueueByteLimit = QueueByteLimit,
        BlockTimeout = BlockTimeout,
        MaxBackoff = MaxBackoff,
        ConnectTimeout = ConnectTimeout,
        RequestTimeout = RequestTimeout,
        BufferPath = string.IsNullOrEmpty(BufferPath) ? null : BufferPath,
        BufferSizeLimit = BufferSizeLimit,
        ShutdownTimeout = ShutdownTimeout,
        HostNameHeader = string.IsNullOrEmpty(HostNameHeader) ? null : HostNameHeader,
        // The <header> layouts travel as the record's properties, so each becomes a header of its own name.
        PropertiesAsHeaders = true,
    };

    /// <summary>
    /// NLog's overflow actions on the core's modes: Discard drops the new event; Grow has no unbounded equivalent in a
    /// bounded queue, so like Block it waits up to <see cref="BlockTimeout"/> before dropping.
    /// </summary>
    internal static OverflowMode ToOverflowMode(AsyncTargetWrapperOverflowAction action) =>
        action == AsyncTargetWrapperOverflowAction.Discard ? OverflowMode.DropNewest : OverflowMode.Block;

    /// <summary>The Flume level of an NLog level; Off (never logged) maps to FATAL.</summary>
    internal static FlumeLogLevel ToFlumeLevel(LogLevel level) => level.Ordinal switch
    {
        0 => FlumeLogLevel.Trace,
        1 => FlumeLogLevel.Debug,
        2 => FlumeLogLevel.Info,
        3 => FlumeLogLevel.Warn,
        4 => FlumeLogLevel.Error,
        _ => FlumeLogLevel.Fatal,
    };

    /// <inheritdoc/>
    protected override void InitializeTarget()
    {
        base.InitializeTarget();
        var options = ToAppenderOptions();
        // ArgumentException names the bad setting; NLog reports it as a configuration error of this target.
        _delivery = new FlumeDelivery(options, new DeliveryContext { Kind = "nlog", Name = Name, SelfLog = ReportToInternalLogger, ClientFactory = _clientFactory });
        _events = new FlumeEventFactory(options);
    }

    /// <inheritdoc/>
    protected override Task WriteAsyncTask(LogEventInfo logEvent, CancellationToken cancellationToken)
    {
        Enqueue(logEvent);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    protected override Task WriteAsyncTask(IList<LogEventInfo> logEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logEvents);
        for (var i = 0; i < logEvents.Count; i++)
        {
            Enqueue(logEvents[i]);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    protected override void FlushAsync(AsyncContinuation asyncContinuation)
    {
        base.FlushAsync(error =>
        {
            if (_delivery is not { } delivery)
            {
                asyncContinuation(error);
                return;
            }

            _ = FlushDeliveryAsync(delivery, error, asyncContinuation);
        });
    }

    /// <inheritdoc/>
    protected override void CloseTarget()
    {
        base.CloseTarget();
        if (_delivery is { } delivery)
        {
            _delivery = null;
            // NLog closes targets synchronously; the core bounds this wait by its ShutdownTimeout.
            delivery.DisposeAsync().AsTask().GetAwaiter().GetResult();
            var dropped = delivery.EventsDropped;
            Interlocked.Add(ref _droppedBeforeClose, dropped);
            if (dropped > 0)
            {
                InternalLogger.Warn("Flume target {0}: {1} events were dropped in total", Name, dropped);
            }
        }
    }

    private static void ReportToInternalLogger(string message) => InternalLogger.Warn(message);

    private async Task FlushDeliveryAsync(FlumeDelivery delivery, Exception? error, AsyncContinuation asyncContinuation)
    {
        try
        {
            if (!await delivery.FlushAsync(ShutdownTimeout).ConfigureAwait(false))
            {
                InternalLogger.Warn("Flume target {0}: flush did not finish within {1}", Name, ShutdownTimeout);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            error ??= e;
        }

        asyncContinuation(error);
    }

    private void Enqueue(LogEventInfo logEvent)
    {
        if (_delivery is not { } delivery || _events is not { } events)
        {
            return;
        }

        List<KeyValuePair<string, object?>>? headers = null;
        if (Headers.Count > 0)
        {
            headers = new List<KeyValuePair<string, object?>>(Headers.Count);
            for (var i = 0; i < Headers.Count; i++)
            {
                var header = Headers[i];
                headers.Add(new KeyValuePair<string, object?>(header.Name, RenderLogEvent(header.Layout, logEvent)));
            }
        }

        var record = new FlumeLogRecord(
            logEvent.LoggerName ?? "",
            ToFlumeLevel(logEvent.Level),
            new DateTimeOffset(logEvent.TimeStamp),
            RenderLogEvent(Layout, logEvent),
            Properties: headers);
        delivery.TryEnqueue(events.Create(record));
    }
}
