using Flume.Logging.Appenders;
using Flume.Logging.Rpc;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Extensions;

/// <summary>
/// Microsoft.Extensions.Logging provider that sends every log call to Flume relays. Configured under
/// <c>Logging:Flume</c> (the provider alias <c>Flume</c>) with the option names of <see cref="FlumeAppenderOptions"/>,
/// or with <c>builder.AddFlume(options => ...)</c>. A log call only renders the message and queues the event; one
/// background loop sends batches. Disposing the provider (host shutdown) sends what is queued, within
/// <see cref="FlumeAppenderOptions.ShutdownTimeout"/>. Drops and delivery problems go to the self-log
/// (standard error unless configured otherwise), never to the application.
/// </summary>
[ProviderAlias("Flume")]
public sealed class FlumeLoggerProvider : ILoggerProvider, ISupportExternalScope, IAsyncDisposable
{
    private readonly FlumeEventFactory _factory;
    private readonly FlumeDelivery _delivery;
    private readonly TimeProvider _time;
    private readonly Action<string> _selfLog;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
    private int _disposed;

    /// <summary>
    /// Starts delivery with <paramref name="options"/>, read once. Throws <see cref="ArgumentException"/> naming the
    /// first invalid setting, so a misconfigured application fails at start rather than losing its logs.
    /// </summary>
    /// <param name="options">The appender's settings.</param>
    /// <param name="selfLog">Where drops and delivery problems are reported. Default: standard error.</param>
    public FlumeLoggerProvider(FlumeAppenderOptions options, Action<string>? selfLog = null)
        : this(options, selfLog, null, null, null)
    {
    }

    /// <summary>Starts delivery with an injectable clock, host name and RPC client (tests).</summary>
    internal FlumeLoggerProvider(
        FlumeAppenderOptions options,
        Action<string>? selfLog,
        TimeProvider? timeProvider,
        string? hostName,
        Func<RpcClientOptions, IRpcClient>? clientFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        _selfLog = selfLog ?? WriteToStandardError;
        _delivery = new FlumeDelivery(options, new DeliveryContext { Kind = "mel", SelfLog = _selfLog, TimeProvider = _time, ClientFactory = clientFactory });
        _factory = new FlumeEventFactory(options, hostName);
    }

    /// <summary>Events queued for delivery.</summary>
    internal long EventsEnqueued => _delivery.EventsEnqueued;

    /// <summary>Events lost (overflow, after dispose, at the shutdown deadline); each is also self-logged.</summary>
    internal long EventsDropped => _delivery.EventsDropped;

    internal TimeProvider Time => _time;

    internal IExternalScopeProvider Scopes => Volatile.Read(ref _scopes);

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new FlumeLogger(categoryName ?? "", this);

    /// <inheritdoc/>
    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        ArgumentNullException.ThrowIfNull(scopeProvider);
        Volatile.Write(ref _scopes, scopeProvider);
    }

    /// <summary>
    /// Waits until everything logged before the call is sent (or dropped and reported), or until
    /// <paramref name="timeout"/> passes. Returns false on timeout.
    /// </summary>
    public Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _delivery.FlushAsync(timeout, cancellationToken);

    /// <summary>Stops accepting log calls and sends what is queued, within the shutdown timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _delivery.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops accepting log calls and sends what is queued, within the shutdown timeout. Blocks for at most that
    /// timeout: the logger factory disposes its providers synchronously.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Queues <paramref name="record"/>, whose event the delivery loop builds; false when it was dropped (and counted).
    /// The logger reuses its properties list, so the record keeps a copy of it (as OpenTelemetry's batching logger
    /// copies attributes), or none when events do not use properties.
    /// </summary>
    internal bool Enqueue(in FlumeLogRecord record)
    {
        var properties = record.Properties is { Count: > 0 } list && _factory.UsesProperties ? list.ToArray() : null;
        return _delivery.TryEnqueue(record with { Properties = properties }, _factory);
    }

    /// <summary>Reports a log call that could not become an event (its formatter or a property threw).</summary>
    internal void ReportFailedCall(string categoryName, Exception exception) =>
        SelfLog($"Flume logger: a log call on {categoryName} was dropped because it could not be rendered ({exception.GetType().Name}: {exception.Message})");

    private void SelfLog(string message)
    {
        try
        {
            _selfLog(message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The self-log is the last place to report to; a failing one must not fail the log call.
        }
    }

    private static void WriteToStandardError(string message) => Console.Error.WriteLine(message);
}
