using Flume.Logging.Examples;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// ExtensionsLoggingApp [lines] [appsettings.json] [--threads N] [--shutdown dispose|host|exit]
// Logs the lines (default 100000) to the relay named in the config (Logging:Flume:Hosts; the shipped appsettings.json
// names 127.0.0.1:41414, the avro source of examples/relay.properties) and ends the way the shutdown idiom says:
//   dispose  a LoggerFactory, disposed at the end (default);
//   host     a generic host, stopped with StopAsync and not disposed, as an ASP.NET Core app stops;
//   exit     a LoggerFactory never disposed: the appender delivers at process exit by itself.
// Any setting can be overridden from the environment, e.g. Logging__Flume__Hosts=127.0.0.1:5000.
var arguments = ExampleArguments.Parse("ExtensionsLoggingApp", args, Path.Combine(AppContext.BaseDirectory, "appsettings.json"), ["dispose", "host", "exit"]);
if (arguments is null)
{
    return 2;
}

var configuration = new ConfigurationBuilder().AddJsonFile(arguments.ConfigFile, optional: false).AddEnvironmentVariables().Build();
void AddLogging(ILoggingBuilder logging) => logging.AddConfiguration(configuration.GetSection("Logging")).AddFlume();
switch (arguments.Shutdown)
{
    case "host":
        // No default sources or providers: the host logs exactly as configured here, like the factory below.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        AddLogging(builder.Logging);
        var host = builder.Build();
        await host.StartAsync();
        LogLines(host.Services.GetRequiredService<ILoggerFactory>());

        // Stopping the host flushes the Flume provider; the host is left undisposed, as a process that exits right after.
        await host.StopAsync();
        break;
    case "exit":
        LogLines(LoggerFactory.Create(AddLogging));
        break;
    default:
        // Disposing the factory disposes the Flume provider, which sends what is still queued (within ShutdownTimeout).
        using (var loggerFactory = LoggerFactory.Create(AddLogging))
        {
            LogLines(loggerFactory);
        }

        break;
}

return 0;

void LogLines(ILoggerFactory factory)
{
    var logger = factory.CreateLogger("ExtensionsLoggingApp");
    LogCalls.Run(arguments.Lines, arguments.Threads, line => Log.Line(logger, line, arguments.Lines));
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "line {Line} of {Count}")]
    public static partial void Line(ILogger logger, int line, int count);
}
