using System.Globalization;
using Flume.Logging.Appenders;
using Flume.Logging.Rpc;
using log4net.Appender.Flume;
using log4net.Core;
using log4net.Layout;
using log4net.Util;

// log4net's convention: <appender type="log4net.Appender.FlumeAppender, log4net.Appender.Flume">.
#pragma warning disable IDE0130 // Namespace does not match folder structure
namespace log4net.Appender;
#pragma warning restore IDE0130

/// <summary>
/// Sends log events to Apache Flume agents or Flume.Logging relays over Avro or Thrift RPC, with the headers of
/// Flume's own Log4jAppender: <c>flume.client.log4j.logger.name</c>, <c>.log.level</c> (the log4j number: TRACE 5000
/// up to FATAL 50000), <c>.timestamp</c>, <c>.address</c> and <c>.message.encoding</c>.
/// </summary>
/// <remarks>
/// <para>
/// A log call renders the layout (default: the message, then the exception on the next line) and the extra headers on
/// the calling thread, queues the strings and returns: it never does network I/O and never throws. One background loop
/// per appender sends batches. The call takes no lock. log4net's <see cref="AppenderSkeleton.DoAppend(LoggingEvent)"/>
/// holds the appender's lock around every append; with 4 threads on 2 cores that made calls slower at the median and
/// in the tail, and with <c>Overflow = Block</c> a call waited out other calls' block time before its own. So this
/// appender implements <see cref="IAppender"/> again with a <see cref="DoAppend(LoggingEvent)"/> of its own that keeps
/// the threshold, the filter chain, the recursion guard and the error handler. Layouts and filters thus run on several
/// threads at once, which log4net's own are written for; a custom one must be thread-safe too.
/// </para>
/// <para>
/// Settings are strings, as written in <c>log4net.config</c>, and are read by <see cref="ActivateOptions"/>: a bad
/// value is reported through the <see cref="AppenderSkeleton.ErrorHandler"/> (to log4net's internal log, standard
/// error) naming the setting, and the appender then drops its events. Durations are <c>hh:mm:ss[.fff]</c> or a whole
/// number of milliseconds. Flume's Log4jAppender and LoadBalancingLog4jAppender names are accepted too.
/// </para>
/// <para>
/// Delivery problems and dropped events go to log4net's internal log as warnings (<c>log4net:WARN</c> on standard
/// error, or <see cref="LogLog.LogReceived"/>), at most once per 10 s while logging, and closing the appender
/// (<c>LogManager.Shutdown()</c>, or log4net's own shutdown at process exit) ends with a line that closes with
/// "<c>N dropped in total</c>" when any were; events dropped while the appender was not running (its settings were
/// refused) are reported as "<c>FlumeAppender [name]: N events were dropped in total</c>".
/// </para>
/// </remarks>
public sealed class FlumeAppender : AppenderSkeleton, IAppender, IBulkAppender
{
    // The core's defaults, so this appender and the other front ends can never drift apart.
    private static readonly FlumeAppenderOptions Defaults = new();
    private static readonly Type DeclaringType = typeof(FlumeAppender);

    // log4net's own bookkeeping properties (host name, identity, user name); the host already has its header.
    private const string Log4NetPropertyPrefix = "log4net:";

    // A writer grown past this by one huge message is not kept for the thread's next call.
    private const int MaxKeptWriterCapacity = 16 * 1024;

    // The appenders this thread is appending to: a layout or filter that logs must not re-enter the same appender.
    [ThreadStatic]
    private static List<FlumeAppender>? t_appending;

    [ThreadStatic]
    private static StringWriter? t_writer;

    private readonly Func<RpcClientOptions, IRpcClient>? _clientFactory;
    private readonly string? _hostName;
    private readonly List<FlumeHeader> _headers = [];
    private Running? _running;
    private long _droppedByClosedCores;
    private long _droppedWhileStopped;
    private volatile bool _closed;

    /// <summary>An appender with the defaults stated on each setting; set <see cref="Hosts"/> (or <see cref="Hostname"/> and <see cref="Port"/>), then call <see cref="ActivateOptions"/>.</summary>
    public FlumeAppender()
        : this(null, null)
    {
    }

    /// <summary>An appender whose RPC client and host name tests hand in.</summary>
    internal FlumeAppender(Func<RpcClientOptions, IRpcClient>? clientFactory, string? hostName)
    {
        _clientFactory = clientFactory;
        _hostName = hostName;
    }

    /// <summary>
    /// Space-, comma- or semicolon-separated <c>host:port</c> list of the relays (LoadBalancingLog4jAppender's name);
    /// several hosts are load balanced. Required, unless <see cref="Hostname"/> and <see cref="Port"/> are set instead;
    /// setting both is an error.
    /// </summary>
    public string? Hosts { get; set; }

    /// <summary>Host of the one relay (Flume Log4jAppender's name), with <see cref="Port"/>; the alternative to <see cref="Hosts"/>.</summary>
    public string? Hostname { get; set; }

    /// <summary>Port of the one relay (Flume Log4jAppender's name), with <see cref="Hostname"/>.</summary>
    public string? Port { get; set; }

    /// <summary>
    /// Flume Log4jAppender's switch to stop it throwing into the application when sending fails. Accepted (true or
    /// false) and without effect: this appender never throws into a log call. Default: false.
    /// </summary>
    public string? UnsafeMode { get; set; }

    /// <summary>Flume Log4jAppender's timeout in milliseconds; sets both <see cref="ConnectTimeout"/> and <see cref="RequestTimeout"/> unless they are set themselves.</summary>
    public string? Timeout { get; set; }

    /// <summary>
    /// Flume Log4jAppender's Avro serialization of events. Only <c>false</c> (the default) is accepted: events are sent as
    /// text rendered by the layout.
    /// </summary>
    public string? AvroReflectionEnabled { get; set; }

    /// <summary>Flume Log4jAppender's schema address for Avro-serialized events. Not accepted: events are sent as text.</summary>
    public string? AvroSchemaUrl { get; set; }

    /// <summary>Wire protocol, <c>Avro</c> or <c>Thrift</c>, matching the relay's source. Default: Avro.</summary>
    public string? Protocol { get; set; }

    /// <summary>Compression of Avro connections, <c>None</c> or <c>Deflate</c>; the relay's source must match. Default: None.</summary>
    public string? Compression { get; set; }

    /// <summary>
    /// Order in which several hosts are tried: <c>ROUND_ROBIN</c> or <c>RANDOM</c> (also <c>RoundRobin</c>, <c>Random</c>;
    /// any case). Flume's custom selector classes are not supported. Default: ROUND_ROBIN.
    /// </summary>
    public string? Selector { get; set; }

    /// <summary>
    /// Longest a failed host is skipped, and the cap of the retry backoff; a whole number is milliseconds, as in Flume's
    /// LoadBalancingLog4jAppender. Default: 30 s.
    /// </summary>
    public string? MaxBackoff { get; set; }

    /// <summary>
    /// Most events sent in one request. Default: 100. Apache Flume refuses a batch larger than its channel's
    /// transactionCapacity (default 100); our relay commits it in parts.
    /// </summary>
    public string? BatchSize { get; set; }

    /// <summary>Longest an event waits for its batch to fill before it is sent anyway. Default: 00:00:01.</summary>
    public string? FlushInterval { get; set; }

    /// <summary>Most events waiting in memory. Default: 100000; at most 16777216.</summary>
    public string? QueueLimit { get; set; }

    /// <summary>Most bytes waiting in memory. Default: 67108864 (64 MiB).</summary>
    public string? QueueByteLimit { get; set; }

    /// <summary>
    /// What a log call does when the queue is full: <c>DropNewest</c> (returns at once, the event is counted as
    /// dropped), <c>DropOldest</c>, or <c>Block</c> (waits up to <see cref="BlockTimeout"/>, then drops). Default: DropNewest.
    /// </summary>
    public string? Overflow { get; set; }

    /// <summary>Longest a log call waits for room with <c>Overflow = Block</c>. Default: 00:00:00.1.</summary>
    public string? BlockTimeout { get; set; }

    /// <summary>Time allowed to connect to a relay and complete the first request. Default: 00:00:05.</summary>
    public string? ConnectTimeout { get; set; }

    /// <summary>Time allowed for each later request. Default: 00:00:20.</summary>
    public string? RequestTimeout { get; set; }

    /// <summary>
    /// Folder of a durable local buffer: events that cannot be sent are written there, survive a restart, and are sent
    /// first, in order, once a relay answers. Default: none (memory only); empty also means none.
    /// </summary>
    public string? BufferPath { get; set; }

    /// <summary>Most events the durable buffer holds. Default: 1000000.</summary>
    public string? BufferSizeLimit { get; set; }

    /// <summary>
    /// Longest closing the appender (and a flush without a timeout) spends sending what is queued; with a buffer and the
    /// relays down, the queue goes to the buffer instead. Default: 00:00:10.
    /// </summary>
    public string? ShutdownTimeout { get; set; }

    /// <summary><c>Message</c> (the layout's text) or <c>Json</c> (compact JSON with level, logger, message, exception and properties). Default: Message.</summary>
    public string? Body { get; set; }

    /// <summary>Header carrying this machine's host name; empty for none. Default: <c>flume.client.log4j.address</c>.</summary>
    public string? HostNameHeader { get; set; }

    /// <summary>
    /// Whether log4net's properties of each event (event, thread, logical-thread and global context; not log4net's own
    /// <c>log4net:</c> ones) are sent as headers of the same name, and in a Json body. Default: false.
    /// </summary>
    public string? PropertiesAsHeaders { get; set; }

    /// <summary>TLS to the relays, whose avro or thrift source has <c>ssl = true</c> (Flume's <c>ssl</c>). Default: false.</summary>
    public string? Ssl { get; set; }

    /// <summary>With <see cref="Ssl"/>: JKS, PEM or PKCS12 file of the certificates the relay's certificate must lead to (Flume's <c>truststore</c>). Default: none, the system's roots.</summary>
    public string? Truststore { get; set; }

    /// <summary>Password of a JKS or PKCS12 <see cref="Truststore"/> (Flume's <c>truststore-password</c>). Default: none.</summary>
    public string? TruststorePassword { get; set; }

    /// <summary><c>JKS</c>, <c>PKCS12</c> or <c>PEM</c> (Flume's <c>truststore-type</c>). Default: none, read from the file.</summary>
    public string? TruststoreType { get; set; }

    /// <summary>With <see cref="Ssl"/>: accept any relay certificate, for tests only (Flume's <c>trust-all-certs</c>). Default: false.</summary>
    public string? TrustAllCerts { get; set; }

    /// <summary>Space-separated protocols to enable, e.g. <c>TLSv1.3</c> (Flume's <c>include-protocols</c>). Default: none, TLS 1.2 and 1.3.</summary>
    public string? IncludeProtocols { get; set; }

    /// <summary>Space-separated protocols to disable (Flume's <c>exclude-protocols</c>). Default: none.</summary>
    public string? ExcludeProtocols { get; set; }

    /// <summary>Space-separated IANA cipher suites to enable (Flume's <c>include-cipher-suites</c>). Default: none, the platform's.</summary>
    public string? IncludeCipherSuites { get; set; }

    /// <summary>Space-separated cipher suites to disable (Flume's <c>exclude-cipher-suites</c>). Default: none.</summary>
    public string? ExcludeCipherSuites { get; set; }

    /// <summary>The extra headers added so far.</summary>
    internal IReadOnlyList<FlumeHeader> Headers => _headers;

    /// <summary>The delivery core while the appender runs (tests read its counters).</summary>
    internal FlumeDelivery? Delivery => Volatile.Read(ref _running)?.Delivery;

    /// <summary>Events lost: by the delivery cores this appender ran, and while it was not running.</summary>
    internal long EventsDropped =>
        Interlocked.Read(ref _droppedByClosedCores) + Interlocked.Read(ref _droppedWhileStopped) + (Delivery?.EventsDropped ?? 0);

    /// <summary>Adds an extra header, rendered per event (<c>&lt;header&gt;</c> in <c>log4net.config</c>); takes effect at <see cref="ActivateOptions"/>.</summary>
    public void AddHeader(FlumeHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        _headers.Add(header);
    }

    /// <summary>
    /// Reads the settings and starts delivery; call it again after changing them. A bad setting is reported through the
    /// error handler, naming it, and leaves the appender as it was (not running, the first time).
    /// </summary>
    public override void ActivateOptions()
    {
        base.ActivateOptions();
        if (_closed)
        {
            ErrorHandler.Error($"FlumeAppender [{Name}] is closed and cannot be started again");
            return;
        }

        Running running;
        try
        {
            var options = ToAppenderOptions();
            var headers = CheckHeaders();
            var captureProperties = options.PropertiesAsHeaders;
            // The extra headers travel as the record's properties, which the core sends as headers only when asked.
            options.PropertiesAsHeaders |= headers.Length > 0;
            var events = new FlumeEventFactory(options, _hostName);
            var name = Name;
            var delivery = new FlumeDelivery(options, new DeliveryContext
            {
                Kind = "log4net",
                Name = name,
                SelfLog = message => LogLog.Warn(DeclaringType, $"[{name}] {message}"),
                ClientFactory = _clientFactory,
            });
            running = new Running(delivery, events, headers, captureProperties, options.ShutdownTimeout);
        }
        catch (ArgumentException e)
        {
            ErrorHandler.Error($"FlumeAppender [{Name}] not started: {e.Message}");
            return;
        }

        if (Interlocked.Exchange(ref _running, running) is { } previous)
        {
            Stop(previous);
        }
    }

    /// <summary>
    /// Appends <paramref name="loggingEvent"/> if it passes the threshold and filters, without the lock
    /// <see cref="AppenderSkeleton.DoAppend(LoggingEvent)"/> takes. Never throws: failures go to the error handler.
    /// </summary>
    public new void DoAppend(LoggingEvent loggingEvent)
    {
        if (loggingEvent is null)
        {
            return;
        }

        if (_closed)
        {
            ErrorHandler.Error($"Attempted to append to closed appender named [{Name}].");
            return;
        }

        var appending = t_appending ??= [];
        if (appending.Contains(this))
        {
            return;
        }

        appending.Add(this);
        try
        {
            if (FilterEvent(loggingEvent))
            {
                Enqueue(loggingEvent);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A layout, filter or property that throws loses its event, never the application's call.
            ErrorHandler.Error($"FlumeAppender [{Name}] failed to append an event", e);
        }
        finally
        {
            appending.RemoveAt(appending.Count - 1);
        }
    }

    /// <summary>Appends each of <paramref name="loggingEvents"/> as <see cref="DoAppend(LoggingEvent)"/> does.</summary>
    public new void DoAppend(LoggingEvent[] loggingEvents)
    {
        if (loggingEvents is null)
        {
            return;
        }

        foreach (var loggingEvent in loggingEvents)
        {
            DoAppend(loggingEvent);
        }
    }

    /// <summary>
    /// Waits until everything logged before the call is sent (or moved to the disk buffer, or dropped and counted), for
    /// at most <paramref name="millisecondsTimeout"/>; a negative timeout (<c>Timeout.Infinite</c>) waits at most
    /// <see cref="ShutdownTimeout"/>. False when time ran out first.
    /// </summary>
    public override bool Flush(int millisecondsTimeout)
    {
        if (Volatile.Read(ref _running) is not { } running)
        {
            return true;
        }

        var timeout = millisecondsTimeout < 0 ? running.ShutdownTimeout : TimeSpan.FromMilliseconds(millisecondsTimeout);
        return running.Delivery.FlushAsync(timeout).GetAwaiter().GetResult();
    }

    /// <summary>The delivery settings these strings describe; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    internal FlumeAppenderOptions ToAppenderOptions()
    {
        // Checked so a typo is reported, but without effect: no log call here ever throws.
        SettingParser.Bool(UnsafeMode, nameof(UnsafeMode), false);
        if (SettingParser.Bool(AvroReflectionEnabled, nameof(AvroReflectionEnabled), false))
        {
            throw new ArgumentException("AvroReflectionEnabled: Avro-serialized log events are not supported; events are sent as text rendered by the layout, so remove the setting", nameof(AvroReflectionEnabled));
        }

        if (!string.IsNullOrWhiteSpace(AvroSchemaUrl))
        {
            throw new ArgumentException("AvroSchemaUrl: Avro-serialized log events are not supported, so there is no schema to point to; remove the setting", nameof(AvroSchemaUrl));
        }

        var timeout = Timeout is null ? (TimeSpan?)null : SettingParser.Duration(Timeout, nameof(Timeout), default);
        return new FlumeAppenderOptions
        {
            Hosts = ResolveHosts(),
            Protocol = SettingParser.Enum(Protocol, nameof(Protocol), Defaults.Protocol),
            Compression = SettingParser.Enum(Compression, nameof(Compression), Defaults.Compression),
            Selector = SettingParser.Selector(Selector, nameof(Selector), Defaults.Selector),
            MaxBackoff = SettingParser.Duration(MaxBackoff, nameof(MaxBackoff), Defaults.MaxBackoff),
            BatchSize = SettingParser.Int(BatchSize, nameof(BatchSize), Defaults.BatchSize),
            FlushInterval = SettingParser.Duration(FlushInterval, nameof(FlushInterval), Defaults.FlushInterval),
            QueueLimit = SettingParser.Int(QueueLimit, nameof(QueueLimit), Defaults.QueueLimit),
            QueueByteLimit = SettingParser.Long(QueueByteLimit, nameof(QueueByteLimit), Defaults.QueueByteLimit),
            Overflow = SettingParser.Enum(Overflow, nameof(Overflow), Defaults.Overflow),
            BlockTimeout = SettingParser.Duration(BlockTimeout, nameof(BlockTimeout), Defaults.BlockTimeout),
            ConnectTimeout = SettingParser.Duration(ConnectTimeout, nameof(ConnectTimeout), timeout ?? Defaults.ConnectTimeout),
            RequestTimeout = SettingParser.Duration(RequestTimeout, nameof(RequestTimeout), timeout ?? Defaults.RequestTimeout),
            BufferPath = Trimmed(BufferPath) ?? Defaults.BufferPath,
            BufferSizeLimit = SettingParser.Int(BufferSizeLimit, nameof(BufferSizeLimit), Defaults.BufferSizeLimit),
            ShutdownTimeout = SettingParser.Duration(ShutdownTimeout, nameof(ShutdownTimeout), Defaults.ShutdownTimeout),
            Body = SettingParser.Enum(Body, nameof(Body), Defaults.Body),
            HostNameHeader = HostNameHeader is null ? Defaults.HostNameHeader : HostNameHeader.Trim() is { Length: > 0 } header ? header : null,
            PropertiesAsHeaders = SettingParser.Bool(PropertiesAsHeaders, nameof(PropertiesAsHeaders), Defaults.PropertiesAsHeaders),
            Ssl = SettingParser.Bool(Ssl, nameof(Ssl), Defaults.Ssl),
            Truststore = Trimmed(Truststore),
            TruststorePassword = string.IsNullOrEmpty(TruststorePassword) ? null : TruststorePassword,
            TruststoreType = Trimmed(TruststoreType),
            TrustAllCerts = SettingParser.Bool(TrustAllCerts, nameof(TrustAllCerts), Defaults.TrustAllCerts),
            IncludeProtocols = Trimmed(IncludeProtocols),
            ExcludeProtocols = Trimmed(ExcludeProtocols),
            IncludeCipherSuites = Trimmed(IncludeCipherSuites),
            ExcludeCipherSuites = Trimmed(ExcludeCipherSuites),
        };
    }

    /// <inheritdoc/>
    protected override void Append(LoggingEvent loggingEvent) => Enqueue(loggingEvent);

    // An XML value may carry the file's indentation; blank means the core's default.
    private static string? Trimmed(string? value) => value?.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    /// <summary>
    /// Stops delivery: sends what is queued within <see cref="ShutdownTimeout"/> (or buffers it to disk), then reports
    /// the total of dropped events, if any, to log4net's internal log.
    /// </summary>
    protected override void OnClose()
    {
        _closed = true;
        long reportedByCore = 0;
        if (Interlocked.Exchange(ref _running, null) is { } running)
        {
            Stop(running);
            reportedByCore = running.Delivery.EventsDropped;
        }

        // The closing core's report already ends with its own total; this line only adds the drops it could not see:
        // while the appender was not running, or by cores closed by earlier reconfigurations.
        var dropped = EventsDropped;
        if (dropped > reportedByCore)
        {
            LogLog.Warn(DeclaringType, $"FlumeAppender [{Name}]: {dropped} events were dropped in total");
        }

        base.OnClose();
    }

    private static string Render(ILayout layout, LoggingEvent loggingEvent, StringWriter writer)
    {
        writer.GetStringBuilder().Clear();
        layout.Format(writer, loggingEvent);
        return writer.ToString();
    }

    /// <summary>Hostname and Port, or Hosts: the two ways to name the relays, of which exactly one must be used.</summary>
    private string ResolveHosts()
    {
        var hosts = Hosts?.Trim();
        var hostname = Hostname?.Trim();
        var port = Port?.Trim();
        var single = !string.IsNullOrEmpty(hostname) || !string.IsNullOrEmpty(port);
        if (!string.IsNullOrEmpty(hosts))
        {
            return single
                ? throw new ArgumentException("Hosts and Hostname/Port are alternatives: set Hosts (one or more host:port) or Hostname and Port, not both", nameof(Hosts))
                : hosts;
        }

        if (!single)
        {
            throw new ArgumentException("Hosts (or Hostname and Port) is required: the relays' host:port list", nameof(Hosts));
        }

        if (string.IsNullOrEmpty(hostname))
        {
            throw new ArgumentException("Hostname is required with Port", nameof(Hostname));
        }

        var number = SettingParser.Int(port ?? throw new ArgumentException("Port is required with Hostname", nameof(Port)), nameof(Port), 0);
        return number is >= 1 and <= 65535
            ? string.Create(CultureInfo.InvariantCulture, $"{hostname}:{number}")
            : throw SettingParser.Bad(nameof(Port), port, "is not a port number (1-65535)");
    }

    private FlumeHeader[] CheckHeaders()
    {
        var headers = _headers.ToArray();
        for (var i = 0; i < headers.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(headers[i].Name) || headers[i].Layout is null)
            {
                throw new ArgumentException($"Header {i + 1} needs both a name and a layout", "Header");
            }
        }

        return headers;
    }

    private void Stop(Running running)
    {
        // log4net closes appenders synchronously; the core bounds this wait by its ShutdownTimeout.
        running.Delivery.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Interlocked.Add(ref _droppedByClosedCores, running.Delivery.EventsDropped);
    }

    /// <summary>
    /// Renders the event on the calling thread (log4net events read thread and context state that is gone later) and
    /// queues the resulting strings; the core builds the Flume event on its own loop.
    /// </summary>
    private void Enqueue(LoggingEvent loggingEvent)
    {
        if (Volatile.Read(ref _running) is not { } running)
        {
            Interlocked.Increment(ref _droppedWhileStopped);
            ErrorHandler.Error($"FlumeAppender [{Name}] is not running (its settings were refused, or ActivateOptions was not called); events are dropped");
            return;
        }

        // A full queue (a dead relay's steady state) refuses the event anyway: count it before rendering it.
        if (running.Delivery.DropIfFull())
        {
            return;
        }

        // Taken, not borrowed: a layout that logs through another Flume appender on this thread gets a writer of its own.
        var writer = t_writer ?? new StringWriter(CultureInfo.InvariantCulture);
        t_writer = null;
        try
        {
            var layout = Layout;
            string message;
            string? exception;
            if (layout is null)
            {
                message = loggingEvent.RenderedMessage ?? "";
                exception = loggingEvent.GetExceptionString();
            }
            else
            {
                message = Render(layout, loggingEvent, writer);
                // A layout that leaves the exception out expects the appender to add it, as log4net's own appenders do.
                exception = layout.IgnoresException ? loggingEvent.GetExceptionString() : null;
            }

            var record = new FlumeLogRecord(
                loggingEvent.LoggerName ?? "",
                Log4NetLevelMapping.ToFlumeLevel(loggingEvent.Level),
                new DateTimeOffset(DateTime.SpecifyKind(loggingEvent.TimeStampUtc, DateTimeKind.Utc)),
                message,
                string.IsNullOrEmpty(exception) ? null : new RenderedException(exception),
                HeaderValues(running, loggingEvent, writer));
            running.Delivery.TryEnqueue(record, running.Events);
        }
        finally
        {
            if (writer.GetStringBuilder().Capacity <= MaxKeptWriterCapacity)
            {
                t_writer = writer;
            }
        }
    }

    /// <summary>The event's properties (when asked for) and then the extra headers, as text, or null for none.</summary>
    private static KeyValuePair<string, object?>[]? HeaderValues(Running running, LoggingEvent loggingEvent, StringWriter writer)
    {
        List<KeyValuePair<string, object?>>? values = null;
        if (running.CaptureProperties)
        {
            foreach (var property in loggingEvent.GetProperties())
            {
                if (property.Key.StartsWith(Log4NetPropertyPrefix, StringComparison.Ordinal) || Fixed(property.Value) is not { } value)
                {
                    continue;
                }

                values ??= [];
                values.Add(new(property.Key, value as string ?? loggingEvent.Repository?.RendererMap.FindAndRender(value) ?? value.ToString()));
            }
        }

        var headers = running.Headers;
        if (headers.Length == 0)
        {
            return values?.ToArray();
        }

        values ??= new List<KeyValuePair<string, object?>>(headers.Length);
        foreach (var header in headers)
        {
            values.Add(new(header.Name!, Render(header.Layout!, loggingEvent, writer)));
        }

        return values.ToArray();
    }

    /// <summary>A context value as of now: log4net's stacks (NDC) give their current text.</summary>
    private static object? Fixed(object? value) => value is IFixingRequired fixing ? fixing.GetFixedObject() : value;

    /// <summary>What a log call needs, swapped whole when the settings change, so a call never sees half of each.</summary>
    private sealed record Running(FlumeDelivery Delivery, FlumeEventFactory Events, FlumeHeader[] Headers, bool CaptureProperties, TimeSpan ShutdownTimeout);
}
