using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Kafka;

/// <summary>
/// What librdkafka reports about one client's connections. librdkafka retries brokers on its own and repeats the
/// same error every few seconds while a broker is down, so errors are logged at debug level and the latest is
/// kept, for the component to name in the one failure it reports (a rolled-back take, a refused put).
/// </summary>
internal sealed partial class KafkaClientErrors(string component, string brokers, ILogger logger)
{
    private volatile string? _last;

    /// <summary>The brokers the client was configured with.</summary>
    public string Brokers { get; } = brokers;

    /// <summary>The latest client-level error, or null when none was seen since the last success.</summary>
    public string? Last => _last;

    /// <summary>For the builder's error handler.</summary>
    public void OnError(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _last = error.Reason;
        if (error.IsFatal)
        {
            LogFatal(component, Brokers, error.Reason);
        }
        else
        {
            LogClientError(component, Brokers, error.Reason);
        }
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

    /// <summary>Forgets the last error once the client worked again.</summary>
    public void Clear() => _last = null;

    /// <summary>" (last client error: ...)" when there is one, for failure messages.</summary>
    public string Suffix() => _last is { } last ? $"; last client error: {last}" : "";

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Component}: kafka client error (brokers {Brokers}): {Reason}")]
    private partial void LogClientError(string component, string brokers, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Component}: fatal kafka client error (brokers {Brokers}): {Reason}")]
    private partial void LogFatal(string component, string brokers, string reason);

    [LoggerMessage(Message = "{Component}: librdkafka {Facility}: {Text}")]
    private partial void LogLibrdkafka(LogLevel level, string component, string facility, string text);
}
