using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Flume.Logging.Relay.Cli;

/// <summary>The relay's own log: one line per entry on standard output, level from Flume's <c>flume.root.logger</c>.</summary>
internal static class ConsoleLogging
{
    /// <summary>
    /// Reads <c>-Dflume.root.logger=LEVEL,console</c> (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF) as flume-ng does;
    /// INFO when absent. An unknown level is an error naming the property.
    /// </summary>
    public static LogLevel ParseLevel(IReadOnlyDictionary<string, string> systemProperties)
    {
        if (!systemProperties.TryGetValue("flume.root.logger", out var value))
        {
            return LogLevel.Information;
        }

        var level = value.Split(',')[0].Trim().ToUpperInvariant();
        return level switch
        {
            "TRACE" or "ALL" => LogLevel.Trace,
            "DEBUG" => LogLevel.Debug,
            "INFO" => LogLevel.Information,
            "WARN" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            "FATAL" => LogLevel.Critical,
            "OFF" => LogLevel.None,
            _ => throw new ArgumentException($"-Dflume.root.logger: unknown level '{level}' (TRACE, DEBUG, INFO, WARN, ERROR, FATAL or OFF)"),
        };
    }

    /// <summary>
    /// Timestamped single lines; under systemd's journal (<paramref name="journal"/>) each line starts with its syslog
    /// priority (<c>&lt;6&gt;</c> for information) so <c>journalctl -p warning</c> filters by level.
    /// </summary>
    public static ILoggerFactory Create(LogLevel level, bool journal = false) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(level).AddFilter<ConsoleLoggerProvider>(null, level);
        if (journal)
        {
            builder.AddSystemdConsole(options => options.IncludeScopes = false);
            return;
        }

        builder.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            options.UseUtcTimestamp = false;
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        });
    });
}
