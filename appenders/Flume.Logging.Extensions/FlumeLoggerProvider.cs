using Flume.Logging.Appenders;
using Flume.Logging.Rpc;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Extensions;

/// <summary>
/// Microsoft.Extensions.Logging provider that sends every log call to Flume relays. Configured under
/// <c>Logging:Flume</c> (the provider alias <c>Flume</c>) with the option names of <see cref="FlumeAppenderOptions"/>,
/// or with <c>builder.AddFlume(options => ...)</c>. A log call only renders the message and queues the event; one
/// background loop sends batches. A generic host's stop (<c>StopAsync</c>, as at ASP.NET Core shutdown) flushes it, and
/// disposing it (the logger factory, or the host) sends what is queued; each within
/// <see cref="FlumeAppenderOptions.ShutdownTimeout"/>. Drops and delivery problems go to the self-log
/// (standard error unless configured otherwise), never to the application.
/// </summary>
[ProviderAlias("Flume")]
public sealed class FlumeLoggerProvider : ILoggerProvider, ISupportExternalScope, IAsyncDisposable
{
    private readonly FlumeEventFactory _factory;
    private readonly FlumeDelivery _delivery;
    private readonly TimeProvider _time;
    private readonly TimeSpan _shutdownTimeout;
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
        _shutdownTimeout = options.ShutdownTimeout;
        _delivery = new FlumeDelivery(options, new DeliveryContext { Kind = "mel", Name = "Flume", SelfLog = selfLog ?? WriteToStandardError, TimeProvider = _time, ClientFactory = clientFactory });
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

    /// <summary>
    /// Flushes, within the shutdown timeout, while a relay is reachable: returns once everything logged before the call
    /// is sent, the timeout passes, or every relay is known to be down.
    /// </summary>
    internal Task FlushWhileReachableAsync(CancellationToken cancellationToken) =>
        _delivery.FlushWhileReachableAsync(_shutdownTimeout, cancellationToken);

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
    /// Queues <paramref name="record"/>, encoding its event now, while the logger's reused properties list still holds
    /// this call's values; false when it was dropped (and counted).
    /// </summary>
    internal bool Enqueue(in FlumeLogRecord record) => _delivery.TryEnqueue(record, _factory);

    /// <summary>Counts a log call as dropped, before it is rendered, when the queue is full (DropNewest): see <see cref="FlumeDelivery.DropIfFull"/>.</summary>
    internal bool DropIfFull() => _delivery.DropIfFull();

    /// <summary>Reports a log call that could not become an event (its formatter or a property threw).</summary>
    internal void ReportFailedCall(string categoryName, Exception exception) =>
        _delivery.DropUnqueued($"a log call on {categoryName} could not be rendered ({exception.GetType().Name}: {exception.Message})");

    private static void WriteToStandardError(string message) => Console.Error.WriteLine(message);
}
