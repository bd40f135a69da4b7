namespace Flume.Logging.Appenders;

/// <summary>One log call as the front ends hand it to the delivery core.</summary>
/// <param name="LoggerName">The logger (category) name; sent as <c>flume.client.log4j.logger.name</c>.</param>
/// <param name="Level">The level; sent as its log4j number in <c>flume.client.log4j.log.level</c>.</param>
/// <param name="Timestamp">When the call was made; sent as ms since the epoch in <c>flume.client.log4j.timestamp</c>.</param>
/// <param name="Message">The rendered message.</param>
/// <param name="Exception">The exception logged with the message, if any.</param>
/// <param name="Properties">Structured properties of the call, if any.</param>
/// <param name="Source">
/// The framework's own event (a Serilog <c>LogEvent</c>, say), if the front end wants it back when the record is
/// dropped, to hand it to a fallback. Not sent.
/// </param>
public readonly record struct FlumeLogRecord(
    string LoggerName,
    FlumeLogLevel Level,
    DateTimeOffset Timestamp,
    string Message,
    Exception? Exception = null,
    IReadOnlyList<KeyValuePair<string, object?>>? Properties = null,
    object? Source = null);
