namespace Flume.Logging.Appenders;

/// <summary>The header names Flume's log4j appender sets, so existing Flume routing configurations keep working.</summary>
public static class Log4jHeaders
{
    /// <summary>The logger name.</summary>
    public const string LoggerName = "flume.client.log4j.logger.name";

    /// <summary>The log4j numeric level (TRACE 5000, DEBUG 10000, INFO 20000, WARN 30000, ERROR 40000, FATAL 50000).</summary>
    public const string LogLevel = "flume.client.log4j.log.level";

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public const string Timestamp = "flume.client.log4j.timestamp";

    /// <summary>The client's address.</summary>
    public const string Address = "flume.client.log4j.address";

    /// <summary>The body's encoding; always <c>UTF8</c>.</summary>
    public const string MessageEncoding = "flume.client.log4j.message.encoding";
}
