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

    /// <summary>The name <c>flume.root.logger</c> gives <paramref name="level"/>, for messages about it.</summary>
    public static string FlumeName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "FATAL",
        _ => "OFF",
    };

    /// <summary>
    /// The appenders <c>flume.root.logger</c> names after its level other than <c>console</c> (flume-ng's default
    /// names <c>LOGFILE</c>, a file under <c>flume.log.dir</c>): the relay writes its log to standard output only, so
    /// the start warns about them rather than leave the operator looking for a file that is never written.
    /// </summary>
    public static IReadOnlyList<string> IgnoredAppenders(IReadOnlyDictionary<string, string> systemProperties)
    {
        if (!systemProperties.TryGetValue("flume.root.logger", out var value))
        {
            return [];
        }

        var ignored = new List<string>();
        foreach (var name in value.Split(',').Skip(1))
        {
            var appender = name.Trim();
            if (appender.Length > 0 && !appender.Equals("console", StringComparison.OrdinalIgnoreCase))
            {
                ignored.Add(appender);
            }
        }

        return ignored;
    }

    /// <summary>
    /// Flume's <c>-Dorg.apache.flume.log.printconfig=true</c> (as Java's <c>Boolean.getBoolean</c>: "true" in any
    /// case): the agent's properties, with variables and config filters resolved (secrets included, which is why
    /// it is off by default), are logged each time a configuration is loaded.
    /// </summary>
    public static bool PrintConfig(IReadOnlyDictionary<string, string> systemProperties) =>
        IsTrue(systemProperties, "org.apache.flume.log.printconfig");

    /// <summary>
    /// Flume's <c>-Dorg.apache.flume.log.rawdata=true</c> (parsed as <see cref="PrintConfig"/>): each event a source
    /// receives is logged with its headers and the start of its body at debug level, so it also needs
    /// <c>-Dflume.root.logger=DEBUG,console</c>. Off by default: events may carry what must not reach a log.
    /// </summary>
    public static bool LogRawData(IReadOnlyDictionary<string, string> systemProperties) =>
        IsTrue(systemProperties, "org.apache.flume.log.rawdata");

    private static bool IsTrue(IReadOnlyDictionary<string, string> systemProperties, string name) =>
        systemProperties.TryGetValue(name, out var value) && value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);

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
