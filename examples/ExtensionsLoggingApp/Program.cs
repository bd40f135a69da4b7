using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// ExtensionsLoggingApp [lines] [config.json] [--threads N] [--shutdown dispose|host|exit]
// Logs the lines (default 100000) to the relay named in the config (Logging:Flume:Hosts; the shipped appsettings.json
// names 127.0.0.1:41414, the avro source of examples/relay.properties) and exits the way the shutdown idiom says:
//   dispose  a LoggerFactory, disposed at the end (default);
//   host     a generic host, stopped with StopAsync and not disposed, as an ASP.NET Core app stops;
//   exit     a LoggerFactory never disposed: the appender delivers at process exit by itself.
// Any setting can be overridden from the environment, e.g. Logging__Flume__Hosts=127.0.0.1:5000.
var lines = 100_000;
var threads = 1;
var shutdown = "dispose";
var configFile = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
var positional = 0;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out threads) && threads > 0:
            i++;
            break;
        case "--shutdown" when i + 1 < args.Length && args[i + 1] is "dispose" or "host" or "exit":
            shutdown = args[++i];
            break;
        case var number when positional == 0 && int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out lines):
            positional++;
            break;
        case var path when positional <= 1 && !path.StartsWith("--", StringComparison.Ordinal):
            configFile = Path.GetFullPath(path);
            positional = 2;
            break;
        default:
            Console.Error.WriteLine($"usage: ExtensionsLoggingApp [lines] [config.json] [--threads N] [--shutdown dispose|host|exit]; cannot use '{args[i]}'");
            return 2;
    }
}

var configuration = new ConfigurationBuilder().AddJsonFile(configFile, optional: false).AddEnvironmentVariables().Build();
TimeSpan took;
if (shutdown == "host")
{
    // No default sources or providers: the host logs exactly as configured here, like the factory below.
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Logging.AddConfiguration(configuration.GetSection("Logging")).AddFlume();
    var host = builder.Build();
    await host.StartAsync();
    took = LogLines(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ExtensionsLoggingApp"), lines, threads);

    // Stopping the host flushes the Flume provider; the host is left undisposed, as a process that exits right after.
    await host.StopAsync();
}
else if (shutdown == "exit")
{
    var neverDisposed = LoggerFactory.Create(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddFlume());
    took = LogLines(neverDisposed.CreateLogger("ExtensionsLoggingApp"), lines, threads);
}
else
{
    // Disposing the factory disposes the Flume provider, which sends what is still queued (within ShutdownTimeout).
    using var loggerFactory = LoggerFactory.Create(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddFlume());
    took = LogLines(loggerFactory.CreateLogger("ExtensionsLoggingApp"), lines, threads);
}

Console.WriteLine($"log calls took {took.TotalMilliseconds:0} ms");
Console.WriteLine($"logged {lines} lines");
return 0;

// Each thread logs its share of the lines, numbered 1..lines overall.
static TimeSpan LogLines(ILogger logger, int lines, int threads)
{
    var clock = Stopwatch.StartNew();
    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
    {
        for (var line = t + 1; line <= lines; line += threads)
        {
            Log.Line(logger, line, lines);
        }
    });
    return clock.Elapsed;
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "line {Line} of {Count}")]
    public static partial void Line(ILogger logger, int line, int count);
}
