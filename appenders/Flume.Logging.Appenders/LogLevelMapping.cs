using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Appenders;

/// <summary>Maps log levels to the log4j numeric levels Flume's <c>flume.client.log4j.log.level</c> header carries.</summary>
public static class LogLevelMapping
{
    /// <summary>The log4j numeric level of <paramref name="level"/> (TRACE 5000 ... FATAL 50000).</summary>
    public static int ToLog4jLevel(FlumeLogLevel level) => (int)level;

    /// <summary>The log4j level as the header's text, without allocating for the six known levels.</summary>
    public static string ToLog4jHeaderValue(FlumeLogLevel level) => level switch
    {
        FlumeLogLevel.Trace => "5000",
        FlumeLogLevel.Debug => "10000",
        FlumeLogLevel.Info => "20000",
        FlumeLogLevel.Warn => "30000",
        FlumeLogLevel.Error => "40000",
        FlumeLogLevel.Fatal => "50000",
        _ => ((int)level).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The Flume level of a Microsoft.Extensions.Logging level: Critical is FATAL, Information INFO, Warning WARN;
    /// <see cref="LogLevel.None"/> (never logged) maps to FATAL so nothing is lost if a caller passes it.
    /// </summary>
    public static FlumeLogLevel FromMicrosoft(LogLevel level) => level switch
    {
        LogLevel.Trace => FlumeLogLevel.Trace,
        LogLevel.Debug => FlumeLogLevel.Debug,
        LogLevel.Information => FlumeLogLevel.Info,
        LogLevel.Warning => FlumeLogLevel.Warn,
        LogLevel.Error => FlumeLogLevel.Error,
        _ => FlumeLogLevel.Fatal,
    };
}
