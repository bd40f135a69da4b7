using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Kafka;

/// <summary>
/// What librdkafka reports about one client's connections. librdkafka retries brokers on its own and repeats the
/// same error every few seconds while a broker is down, so the first error after the client worked (or after start)
/// is a warning, the repeats are debug lines, and the latest is kept for the component to name in the one failure it
/// reports (a rolled-back take, a refused put). When the client works again that is logged once.
/// </summary>
internal sealed partial class KafkaClientErrors(string component, string brokers, ILogger logger)
{
    private string? _last;
    private int _allBrokersDown;

    /// <summary>The brokers the client was configured with.</summary>
    public string Brokers { get; } = brokers;

    /// <summary>The latest client-level error, or null when none was seen since the last success.</summary>
    public string? Last => Volatile.Read(ref _last);

    /// <summary>
    /// Whether librdkafka reported every broker down (it does so once, when the last connection goes) and the client
    /// has not worked since. librdkafka has no report for a broker coming back, so this stays set until
    /// <see cref="Clear"/>.
    /// </summary>
    public bool AllBrokersDown => Volatile.Read(ref _allBrokersDown) != 0;

    /// <summary>Called after each client-level error is recorded, on librdkafka's thread. Default: nothing.</summary>
    public Action? ErrorReported { get; set; }

    /// <summary>For the builder's error handler.</summary>
    public void OnError(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.Code == ErrorCode.Local_AllBrokersDown)
        {
            Volatile.Write(ref _allBrokersDown, 1);
        }

        var previous = Interlocked.Exchange(ref _last, error.Reason);
        if (error.IsFatal)
        {
            LogFatal(component, Brokers, error.Reason);
        }
        else if (previous is null)
        {
            LogFirstClientError(component, Brokers, error.Reason);
        }
        else
        {
            LogClientError(component, Brokers, error.Reason);
        }

        ErrorReported?.Invoke();
    }

    /// <summary>For the builder's log handler: librdkafka's own log lines, at debug level (warnings kept as such).</summary>
    public void OnLog(LogMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var level = message.Level <= SyslogLevel.Warning ? LogLevel.Warning : LogLevel.Debug;
        if (level == LogLevel.Warning && message.Facility is "FAIL" or "ERROR")
        {
            // Connection failures also come through OnError; one report of them is enough.
            level = LogLevel.Debug;
        }

        LogLibrdkafka(level, component, message.Facility, message.Message);
    }

    /// <summary>Forgets the last error once the client worked again, saying so if there was one.</summary>
    public void Clear()
    {
        Volatile.Write(ref _allBrokersDown, 0);
        if (Volatile.Read(ref _last) is not null && Interlocked.Exchange(ref _last, null) is not null)
        {
            LogWorksAgain(component, Brokers);
        }
    }

    /// <summary>" (last client error: ...)" when there is one, for failure messages.</summary>
    public string Suffix() => Last is { } last ? $"; last client error: {last}" : "";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Component}: kafka client error (brokers {Brokers}): {Reason}. librdkafka keeps retrying; repeats are logged at debug level until the client works again")]
    private partial void LogFirstClientError(string component, string brokers, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Component}: the kafka client works again (brokers {Brokers})")]
    private partial void LogWorksAgain(string component, string brokers);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Component}: kafka client error (brokers {Brokers}): {Reason}")]
    private partial void LogClientError(string component, string brokers, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Component}: fatal kafka client error (brokers {Brokers}): {Reason}")]
    private partial void LogFatal(string component, string brokers, string reason);

    [LoggerMessage(Message = "{Component}: librdkafka {Facility}: {Text}")]
    private partial void LogLibrdkafka(LogLevel level, string component, string facility, string text);
}
