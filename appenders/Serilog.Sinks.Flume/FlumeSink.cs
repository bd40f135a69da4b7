using Flume.Logging.Appenders;
using Flume.Logging.Rpc;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace Serilog.Sinks.Flume;

/// <summary>
/// The Serilog sink: each event becomes a record (Flume's log4j headers, the rendered message or compact JSON as
/// body) handed to the shared delivery core's bounded queue, which batches and sends it in the background. Emit never
/// does network I/O and never throws. Drops and delivery problems are written to Serilog's <see cref="SelfLog"/>; when
/// Serilog gives the sink a failure listener (<c>WriteTo.Fallible</c>, <c>WriteTo.FallbackChain</c>), every dropped
/// event is also handed to it, so a fallback sink receives what Flume could not deliver. Disposing the sink, as
/// <c>Log.CloseAndFlush()</c> does (or, asynchronously, <c>Log.CloseAndFlushAsync()</c> and <c>await using</c> a
/// logger), sends what is queued within the shutdown timeout.
/// </summary>
/// <remarks>
/// The sink keeps the shared core rather than Serilog's <c>IBatchedLogEventSink</c> and batching sink. Checked against
/// Serilog 4.4.0: that sink retries a failed batch after the period raised to at least 5 s and doubled up to 1 min, on
/// top of the RPC client's own host backoff; it drops batches once <c>RetryTimeLimit</c> (10 min) is near and, after 10
/// such drops in a row, its whole queue at each failure; a full queue drops events without counting or reporting them;
/// and its dispose waits for the queue to drain with no time bound. The core has one backoff policy (the client's),
/// counts and reports every drop, can buffer to disk, and bounds shutdown by <c>shutdownTimeout</c>.
/// </remarks>
internal sealed class FlumeSink : ILogEventSink, IDisposable, IAsyncDisposable, ISetLoggingFailureListener
{
    private const string SourceContext = "SourceContext";

    private readonly FlumeDelivery _delivery;
    private readonly FlumeEventFactory _factory;
    private readonly IFormatProvider? _formatProvider;
    private readonly bool _needsProperties;
    private ILoggingFailureListener? _failureListener;
    private volatile bool _closing;

    /// <summary>Validates <paramref name="options"/> and starts delivery.</summary>
    /// <param name="options">Every Flume setting; read once.</param>
    /// <param name="formatProvider">Culture the message is rendered in; null for the current culture.</param>
    /// <param name="clientFactory">Builds the RPC client; null for the real one.</param>
    /// <param name="timeProvider">Clock for batching and deadlines; null for the system clock.</param>
    public FlumeSink(
        FlumeAppenderOptions options,
        IFormatProvider? formatProvider = null,
        Func<RpcClientOptions, IRpcClient>? clientFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _factory = new FlumeEventFactory(options);
        _formatProvider = formatProvider;
        _needsProperties = options.PropertiesAsHeaders || options.Body == BodyFormat.Json;
        _delivery = new FlumeDelivery(options, new DeliveryContext
        {
            Kind = "serilog",
            SelfLog = ReportToSelfLog,
            DropListener = ReportDropped,
            TimeProvider = timeProvider,
            ClientFactory = clientFactory,
        });
    }

    /// <summary>Events queued for delivery.</summary>
    internal long EventsEnqueued => _delivery.EventsEnqueued;

    /// <summary>Events a relay acknowledged.</summary>
    internal long EventsSent => _delivery.EventsSent;

    /// <summary>Events lost (overflow, after dispose, or unsendable at the shutdown deadline).</summary>
    internal long EventsDropped => _delivery.EventsDropped;

    /// <summary>
    /// Called by Serilog while the logger is built, before logging starts, when the sink is wrapped by
    /// <c>WriteTo.Fallible</c> or is the first link of <c>WriteTo.FallbackChain</c>: dropped events go to
    /// <paramref name="failureListener"/> from then on.
    /// </summary>
    public void SetFailureListener(ILoggingFailureListener failureListener)
    {
        ArgumentNullException.ThrowIfNull(failureListener);
        Volatile.Write(ref _failureListener, failureListener);
    }

    /// <inheritdoc/>
    public void Emit(LogEvent logEvent)
    {
        if (logEvent is null)
        {
            return;
        }

        try
        {
            // A full queue (a dead relay's steady state) refuses the event anyway: count it before rendering it.
            if (_delivery.DropIfFull(Volatile.Read(ref _failureListener) is null ? null : logEvent))
            {
                return;
            }

            // Serilog's events are immutable, so the record can wait for the delivery loop to build its event.
            _delivery.TryEnqueue(ToRecord(logEvent), _factory);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A log call must never fail because of the sink; the delivery core counts what it refuses, this is the rest.
            SelfLog.WriteLine("Flume sink: could not turn a log event into a Flume event: {0}", e);
        }
    }

    /// <summary>Sends what was queued before the call; true when all of it is settled within <paramref name="timeout"/>.</summary>
    internal Task<bool> FlushAsync(TimeSpan timeout) => _delivery.FlushAsync(timeout);

    /// <summary>
    /// Stops accepting events and sends what is queued within the shutdown timeout, without blocking a thread: the
    /// path of <c>Log.CloseAndFlushAsync()</c> and <c>await using</c> a logger.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        _closing = true;
        return _delivery.DisposeAsync();
    }

    /// <summary>
    /// Synchronous form of <see cref="DisposeAsync"/>, for <c>Log.CloseAndFlush()</c>: waits at most the shutdown
    /// timeout (plus the small grace the delivery core allows its loop).
    /// </summary>
    public void Dispose()
    {
        _closing = true;
        _delivery.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static void ReportToSelfLog(string message) => SelfLog.WriteLine("{0}", message);

    private static object? ToObject(LogEventPropertyValue value, IFormatProvider? formatProvider) =>
        value is ScalarValue scalar ? scalar.Value : value.ToString(null, formatProvider);

    private static FlumeLogLevel ToFlumeLevel(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => FlumeLogLevel.Trace,
        LogEventLevel.Debug => FlumeLogLevel.Debug,
        LogEventLevel.Information => FlumeLogLevel.Info,
        LogEventLevel.Warning => FlumeLogLevel.Warn,
        LogEventLevel.Error => FlumeLogLevel.Error,
        _ => FlumeLogLevel.Fatal,
    };

    /// <summary>
    /// Hands dropped events to the failure listener, if Serilog set one: Permanent while running (Flume will not
    /// retry them), Final once the sink is closing. Without a listener the core's SelfLog report is all there is.
    /// </summary>
    private void ReportDropped(IReadOnlyList<object> sources, string reason)
    {
        if (Volatile.Read(ref _failureListener) is not { } listener)
        {
            return;
        }

        var events = new LogEvent[sources.Count];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = (LogEvent)sources[i];
        }

        var kind = _closing ? LoggingFailureKind.Final : LoggingFailureKind.Permanent;
        listener.OnLoggingFailed(this, kind, $"Flume sink dropped {events.Length} events: {reason}", events, null);
    }

    private FlumeLogRecord ToRecord(LogEvent logEvent)
    {
        var loggerName = "";
        List<KeyValuePair<string, object?>>? properties = null;
        foreach (var property in logEvent.Properties)
        {
            if (property.Key == SourceContext)
            {
                // The logger name travels in flume.client.log4j.logger.name, as the log4j appender sends it.
                loggerName = property.Value is ScalarValue { Value: string name } ? name : property.Value.ToString();
                continue;
            }

            if (_needsProperties)
            {
                properties ??= new List<KeyValuePair<string, object?>>(logEvent.Properties.Count);
                properties.Add(new KeyValuePair<string, object?>(property.Key, ToObject(property.Value, _formatProvider)));
            }
        }

        return new FlumeLogRecord(
            loggerName,
            ToFlumeLevel(logEvent.Level),
            logEvent.Timestamp,
            logEvent.RenderMessage(_formatProvider),
            logEvent.Exception,
            properties,
            // Only a listener can use the event back; without one the queue holds no reference to it.
            Volatile.Read(ref _failureListener) is null ? null : logEvent);
    }
}
