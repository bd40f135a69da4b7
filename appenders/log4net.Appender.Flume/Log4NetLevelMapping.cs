using Flume.Logging.Appenders;
using log4net.Core;

namespace log4net.Appender.Flume;

/// <summary>log4net's levels on the six log4j levels Flume's <c>flume.client.log4j.log.level</c> header carries.</summary>
internal static class Log4NetLevelMapping
{
    /// <summary>
    /// The log4j level of <paramref name="level"/>, compared by value so a level a repository defines itself maps to
    /// the standard one at or below it: Verbose, Finest, Trace and Finer are TRACE; Debug and Fine DEBUG; Info and
    /// Notice INFO; Warn WARN; Error and Severe ERROR; Critical, Alert, Fatal and Emergency FATAL. An event without a
    /// level passes every threshold in log4net (it counts as <see cref="Level.All"/>), so it is TRACE here.
    /// </summary>
    public static FlumeLogLevel ToFlumeLevel(Level? level)
    {
        if (level is null)
        {
            return FlumeLogLevel.Trace;
        }

        var value = level.Value;
        return value >= Level.Critical.Value ? FlumeLogLevel.Fatal
            : value >= Level.Error.Value ? FlumeLogLevel.Error
            : value >= Level.Warn.Value ? FlumeLogLevel.Warn
            : value >= Level.Info.Value ? FlumeLogLevel.Info
            : value >= Level.Debug.Value ? FlumeLogLevel.Debug
            : FlumeLogLevel.Trace;
    }
}
