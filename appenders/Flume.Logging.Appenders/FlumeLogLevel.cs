namespace Flume.Logging.Appenders;

/// <summary>The log levels Flume's log4j appender reports; each value is the log4j numeric level.</summary>
public enum FlumeLogLevel
{
    /// <summary>log4j TRACE (5000).</summary>
    Trace = 5000,

    /// <summary>log4j DEBUG (10000).</summary>
    Debug = 10000,

    /// <summary>log4j INFO (20000).</summary>
    Info = 20000,

    /// <summary>log4j WARN (30000).</summary>
    Warn = 30000,

    /// <summary>log4j ERROR (40000).</summary>
    Error = 40000,

    /// <summary>log4j FATAL (50000).</summary>
    Fatal = 50000,
}
