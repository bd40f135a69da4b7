using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

// Logs N lines (first argument, default 100000) to the relay named in appsettings.json (Logging:Flume:Hosts,
// 127.0.0.1:41414: the avro source of examples/relay.properties), then flushes and exits. Any setting can be
// overridden from the environment, e.g. Logging__Flume__Hosts=127.0.0.1:5000.
var count = 100_000;
if (args.Length > 0 && (!int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 0))
{
    Console.Error.WriteLine($"usage: ExtensionsLoggingApp [lines]    (lines: a whole number, default 100000; got '{args[0]}')");
    return 2;
}

var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: false)
    .AddEnvironmentVariables()
    .Build();

// Disposing the factory disposes the Flume provider, which sends what is still queued (within ShutdownTimeout).
using (var loggerFactory = LoggerFactory.Create(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddFlume()))
{
    var logger = loggerFactory.CreateLogger("ExtensionsLoggingApp");
    for (var line = 1; line <= count; line++)
    {
        Log.Line(logger, line, count);
    }
}

Console.WriteLine($"logged {count} lines");
return 0;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "line {Line} of {Count}")]
    public static partial void Line(ILogger logger, int line, int count);
}
