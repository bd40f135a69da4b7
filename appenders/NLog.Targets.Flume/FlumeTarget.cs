using System.Globalization;
using Flume.Logging.Appenders;
using Flume.Logging.Rpc;
using NLog.Common;
using NLog.Config;
using NLog.Targets.Wrappers;

namespace NLog.Targets.Flume;

/// <summary>
/// Sends log events to Apache Flume or a Flume.Logging relay (<c>xsi:type="Flume"</c>). A log call renders the layout
/// (the body) and the headers on its own thread and hands the strings to the delivery core's one bounded queue; the
/// core batches and sends in the background. It takes no lock (NLog 5 and later require layouts to be thread-safe),
/// never does network I/O and never waits, unless <see cref="OverflowAction"/> is Block. Each <c>&lt;header name="..." layout="..."/&gt;</c> adds a header after
/// Flume's log4j appender headers, and so do NLog's <c>&lt;contextproperty&gt;</c>, <c>includeEventProperties</c> and
/// <c>includeScopeProperties</c>. Flush, <c>LogManager.Shutdown()</c> and NLog's shutdown at process exit (which on
/// Linux closes targets without flushing them) all deliver what is queued, each within <see cref="ShutdownTimeout"/>.
/// Drops and delivery problems are reported through NLog's <see cref="InternalLogger"/>.
/// </summary>
[Target("Flume")]
public sealed class FlumeTarget : TargetWithContext
{
    // The core's defaults, so the target and the other front ends can never drift apart.
    private static readonly FlumeAppenderOptions Defaults = new();

    private readonly Func<RpcClientOptions, IRpcClient>? _clientFactory;
    private FlumeDelivery? _delivery;
    private FlumeEventFactory? _events;
    private long _droppedBeforeClose;

    /// <summary>A target with the core's defaults and the layout <c>${message}</c> plus the exception on its own line.</summary>
    public FlumeTarget()
        : this(null)
    {
    }

    /// <summary>A target whose RPC client is built by <paramref name="clientFactory"/> (tests hand in a fake client).</summary>
    internal FlumeTarget(Func<RpcClientOptions, IRpcClient>? clientFactory)
    {
        _clientFactory = clientFactory;
        Layout = "${message}${onexception:inner=${newline}${exception:format=tostring}}";
    }

    /// <summary>Space-, comma- or semicolon-separated <c>host:port</c> list of the relays (several: load balancing). Required.</summary>
    public string Hosts { get; set; } = "";

    /// <summary>Wire protocol, <c>Avro</c> or <c>Thrift</c>. Default: Avro.</summary>
    public FlumeProtocol Protocol { get; set; } = Defaults.Protocol;

    /// <summary>Compression of Avro connections, <c>None</c> or <c>Deflate</c>. Default: None.</summary>
    public CompressionType Compression { get; set; } = Defaults.Compression;

    /// <summary>Order in which several hosts are tried, <c>RoundRobin</c> or <c>Random</c>. Default: RoundRobin.</summary>
    public HostSelectorKind Selector { get; set; } = Defaults.Selector;

    /// <summary>Most events sent in one request (NLog's name for the core's batch size). Default: 100.</summary>
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>Most events waiting in memory to be sent (NLog's name for the core's queue limit). Default: 100000; at most 16777216.</summary>
    public int QueueLimit { get; set; } = Defaults.QueueLimit;

    /// <summary>
    /// What a log call does when the queue is full. Discard (default): the call returns at once and the event is
    /// counted as dropped. Block: the call waits up to <see cref="BlockTimeout"/> for room, then drops. Grow: the
    /// queue cannot grow past <see cref="QueueLimit"/> and <see cref="QueueByteLimit"/> here, so it acts as Discard
    /// (reported once when the target starts); raise those limits to hold more.
    /// </summary>
    public AsyncTargetWrapperOverflowAction OverflowAction { get; set; } =
        Defaults.Overflow == OverflowMode.Block ? AsyncTargetWrapperOverflowAction.Block : AsyncTargetWrapperOverflowAction.Discard;

    /// <summary>Longest an event waits for its batch to fill before it is sent anyway. Default: 1 s.</summary>
    public TimeSpan FlushInterval { get; set; } = Defaults.FlushInterval;

    /// <summary>Most bytes held in memory waiting to be sent. Default: 64 MiB.</summary>
    public long QueueByteLimit { get; set; } = Defaults.QueueByteLimit;

    /// <summary>With <c>overflowAction="Block"</c>, longest a log call waits for room before its event is dropped. Default: 100 ms.</summary>
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

    /// <summary>Longest a flush, or the close of the target, spends sending what is still queued. Default: 10 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = Defaults.ShutdownTimeout;

    /// <summary>Header carrying this machine's host name; empty for none. Default: <c>flume.client.log4j.address</c>.</summary>
    public string HostNameHeader { get; set; } = Defaults.HostNameHeader ?? "";

    /// <summary>TLS to the relays, whose avro or thrift source has <c>ssl = true</c> (Flume's <c>ssl</c>). Default: false.</summary>
    public bool Ssl { get; set; }

    /// <summary>With <see cref="Ssl"/>: JKS, PEM or PKCS12 file of the certificates the relay's certificate must lead to (Flume's <c>truststore</c>). Default: empty, the system's roots.</summary>
    public string Truststore { get; set; } = "";

    /// <summary>Password of a JKS or PKCS12 <see cref="Truststore"/> (Flume's <c>truststore-password</c>). Default: empty.</summary>
    public string TruststorePassword { get; set; } = "";

    /// <summary><c>JKS</c>, <c>PKCS12</c> or <c>PEM</c> (Flume's <c>truststore-type</c>). Default: empty, read from the file.</summary>
    public string TruststoreType { get; set; } = "";

    /// <summary>With <see cref="Ssl"/>: accept any relay certificate, for tests only (Flume's <c>trust-all-certs</c>). Default: false.</summary>
    public bool TrustAllCerts { get; set; }

    /// <summary>Space-separated protocols to enable, e.g. <c>TLSv1.3</c> (Flume's <c>include-protocols</c>). Default: empty, TLS 1.2 and 1.3.</summary>
    public string IncludeProtocols { get; set; } = "";

    /// <summary>Space-separated protocols to disable (Flume's <c>exclude-protocols</c>). Default: empty.</summary>
    public string ExcludeProtocols { get; set; } = "";

    /// <summary>Space-separated IANA cipher suites to enable (Flume's <c>include-cipher-suites</c>). Default: empty, the platform's.</summary>
    public string IncludeCipherSuites { get; set; } = "";

    /// <summary>Space-separated cipher suites to disable (Flume's <c>exclude-cipher-suites</c>). Default: empty.</summary>
    public string ExcludeCipherSuites { get; set; } = "";

    /// <summary>Extra headers, one <c>&lt;header name="..." layout="..."/&gt;</c> each, rendered per event.</summary>
    [ArrayParameter(typeof(TargetPropertyWithContext), "header")]
    public IList<TargetPropertyWithContext> Headers { get; } = [];

    /// <summary>The delivery core while the target is initialized (tests read its counters).</summary>
    internal FlumeDelivery? Delivery => Volatile.Read(ref _delivery);

    /// <summary>Events dropped by the delivery core, including those of cores closed by earlier reconfigurations.</summary>
    internal long EventsDropped => Interlocked.Read(ref _droppedBeforeClose) + (Delivery?.EventsDropped ?? 0);

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
        BufferPath = NullIfEmpty(BufferPath),
        BufferSizeLimit = BufferSizeLimit,
        ShutdownTimeout = ShutdownTimeout,
        HostNameHeader = string.IsNullOrEmpty(HostNameHeader) ? null : HostNameHeader,
        Ssl = Ssl,
        Truststore = NullIfEmpty(Truststore),
        TruststorePassword = NullIfEmpty(TruststorePassword),
        TruststoreType = NullIfEmpty(TruststoreType),
        TrustAllCerts = TrustAllCerts,
        IncludeProtocols = NullIfEmpty(IncludeProtocols),
        ExcludeProtocols = NullIfEmpty(ExcludeProtocols),
        IncludeCipherSuites = NullIfEmpty(IncludeCipherSuites),
        ExcludeCipherSuites = NullIfEmpty(ExcludeCipherSuites),
        // The headers travel as the record's properties, so each becomes a header of its own name.
        PropertiesAsHeaders = true,
    };

    // NLog sets a missing attribute to nothing and an empty one to "": both mean the core's default.
    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>NLog's overflow actions on the core's modes: only Block waits; Discard and the bounded Grow drop the new event.</summary>
    internal static OverflowMode ToOverflowMode(AsyncTargetWrapperOverflowAction action) =>
        action == AsyncTargetWrapperOverflowAction.Block ? OverflowMode.Block : OverflowMode.DropNewest;

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
        if (OverflowAction == AsyncTargetWrapperOverflowAction.Grow)
        {
            InternalLogger.Warn("Flume target {0}: overflowAction Grow acts as Discard; the queue is bounded by queueLimit {1} and queueByteLimit {2}", Name, QueueLimit, QueueByteLimit);
        }

        // ArgumentException names the bad setting; NLog reports it as a configuration error of this target.
        var delivery = new FlumeDelivery(options, new DeliveryContext { Kind = "nlog", Name = Name, SelfLog = ReportToInternalLogger, ClientFactory = _clientFactory });
        _events = new FlumeEventFactory(options);
        Volatile.Write(ref _delivery, delivery);
    }

    /// <summary>
    /// Renders the event and queues it without taking the target's lock: the delivery core is thread-safe, and a log
    /// call must not wait for another thread's log call, nor for a flush or close holding the lock.
    /// </summary>
    protected override void WriteAsyncThreadSafe(AsyncLogEventInfo logEvent)
    {
        try
        {
            Enqueue(logEvent.LogEvent);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A layout that throws: NLog reports it (or throws it, with throwExceptions) as for any target.
            logEvent.Continuation(e);
            return;
        }

        logEvent.Continuation(null);
    }

    /// <inheritdoc cref="WriteAsyncThreadSafe(AsyncLogEventInfo)"/>
    protected override void WriteAsyncThreadSafe(IList<AsyncLogEventInfo> logEvents)
    {
        ArgumentNullException.ThrowIfNull(logEvents);
        for (var i = 0; i < logEvents.Count; i++)
        {
            WriteAsyncThreadSafe(logEvents[i]);
        }
    }

    /// <summary>
    /// Sends what is queued and continues once it is delivered, after <see cref="ShutdownTimeout"/> at most, or as soon
    /// as the relays are known to be down (a send failed and none succeeded since): the events then stay queued
    /// (nothing is dropped), and the close that follows in <c>LogManager.Shutdown()</c> spends its own shutdown timeout
    /// on them instead of the shutdown waiting twice.
    /// </summary>
    protected override void FlushAsync(AsyncContinuation asyncContinuation)
    {
        if (Delivery is not { } delivery)
        {
            asyncContinuation(null);
            return;
        }

        _ = FlushDeliveryAsync(delivery, asyncContinuation);
    }

    /// <summary>Stops delivery: sends (or buffers) what is queued within the shutdown timeout and reports the dropped total.</summary>
    protected override void CloseTarget()
    {
        if (Interlocked.Exchange(ref _delivery, null) is { } delivery)
        {
            // NLog closes targets synchronously (at process exit too); the core bounds this wait by its ShutdownTimeout.
            delivery.DisposeAsync().AsTask().GetAwaiter().GetResult();
            // The core's closing report already ends with its dropped total; a second line would only repeat it.
            Interlocked.Add(ref _droppedBeforeClose, delivery.EventsDropped);
        }

        base.CloseTarget();
    }

    // The target's name tells two Flume targets' lines apart, as log4net's appender name does.
    private void ReportToInternalLogger(string message) => InternalLogger.Warn("[{0}] {1}", Name, message);

    private static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private async Task FlushDeliveryAsync(FlumeDelivery delivery, AsyncContinuation asyncContinuation)
    {
        Exception? error = null;
        try
        {
            switch (await delivery.FlushWhileReachableAsync(ShutdownTimeout).ConfigureAwait(false))
            {
                case FlushOutcome.RelaysDown:
                    InternalLogger.Warn("Flume target {0}: flush ended early, the relays are down; queued events are kept and retried", Name);
                    break;
                case FlushOutcome.TimedOut:
                    InternalLogger.Warn("Flume target {0}: flush did not finish within {1}", Name, ShutdownTimeout);
                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The target was closed while flushing; the close delivers what is left.
            error = e;
        }

        asyncContinuation(error);
    }

    private void Enqueue(LogEventInfo logEvent)
    {
        // A full queue (a dead relay's steady state) refuses the event anyway: count it before rendering it.
        if (Delivery is not { } delivery || _events is not { } events || delivery.DropIfFull())
        {
            return;
        }

        // Layout.Render, not RenderLogEvent: the latter reuses one buffer per target and needs the target's lock.
        var body = Layout.Render(logEvent);
        var headers = RenderHeaders(logEvent);
        delivery.TryEnqueue(
            new FlumeLogRecord(logEvent.LoggerName ?? "", ToFlumeLevel(logEvent.Level), new DateTimeOffset(logEvent.TimeStamp), body, Properties: headers),
            events);
    }

    /// <summary>
    /// The context properties (when configured), then the <c>&lt;header&gt;</c> layouts, which win on a shared name;
    /// all as text.
    /// </summary>
    private List<KeyValuePair<string, object?>>? RenderHeaders(LogEventInfo logEvent)
    {
        var withContext = ShouldIncludeProperties(logEvent);
        if (Headers.Count == 0 && !withContext)
        {
            return null;
        }

        var headers = new List<KeyValuePair<string, object?>>(Headers.Count);
        if (withContext)
        {
            foreach (var property in GetAllProperties(logEvent))
            {
                headers.Add(new KeyValuePair<string, object?>(property.Key, Text(property.Value)));
            }
        }

        for (var i = 0; i < Headers.Count; i++)
        {
            var header = Headers[i];
            headers.Add(new KeyValuePair<string, object?>(header.Name, header.Layout.Render(logEvent)));
        }

        return headers;
    }
}
