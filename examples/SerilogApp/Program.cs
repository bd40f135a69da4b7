using Flume.Logging.Examples;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Debugging;
using Serilog.Settings.Configuration;

namespace SerilogApp;

/// <summary>
/// <c>SerilogApp [lines] [appsettings.json] [--threads N] [--shutdown closeandflush|closeandflushasync|awaitusing]</c>:
/// logs the lines (every 1000th a warning) through Serilog to the Flume relay the configuration names (the shipped one:
/// 127.0.0.1:41414, the avro source of examples/relay.properties), then ends the Serilog way chosen:
/// <c>Log.CloseAndFlush()</c> (default), <c>await Log.CloseAndFlushAsync()</c>, or <c>await using</c> a logger
/// without the static <c>Log</c>. Each sends what is queued, within the sink's shutdownTimeout.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var arguments = ExampleArguments.Parse(
            "SerilogApp", args, Path.Combine(AppContext.BaseDirectory, "appsettings.json"), ["closeandflush", "closeandflushasync", "awaitusing"]);
        if (arguments is null)
        {
            return 2;
        }

        // Drops and delivery problems are reported here.
        SelfLog.Enable(Console.Error);
        var configuration = new ConfigurationBuilder().AddJsonFile(arguments.ConfigFile, optional: false).Build();
        // Naming the sink's assembly spares Serilog.Settings.Configuration its scan of the app folder for *Serilog*.dll
        // files, which fails when the folder holds assemblies the app does not reference (as a test's output folder does).
        var readerOptions = new ConfigurationReaderOptions(typeof(FlumeLoggerConfigurationExtensions).Assembly);
        var setup = new LoggerConfiguration().ReadFrom.Configuration(configuration, readerOptions);
        switch (arguments.Shutdown)
        {
            case "awaitusing":
                await using (var logger = setup.CreateLogger())
                {
                    LogLines(logger, arguments);
                }

                break;
            case "closeandflushasync":
                Log.Logger = setup.CreateLogger();
                LogLines(Log.Logger, arguments);
                await Log.CloseAndFlushAsync();
                break;
            default:
                Log.Logger = setup.CreateLogger();
                LogLines(Log.Logger, arguments);
                Log.CloseAndFlush();
                break;
        }

        return 0;
    }

    private static void LogLines(ILogger logger, ExampleArguments arguments)
    {
        var log = logger.ForContext(typeof(Program));
        var lines = arguments.Lines;
        LogCalls.Run(lines, arguments.Threads, line =>
        {
            if (line % 1000 == 0)
            {
                log.Warning("line {LineNumber} of {Lines}", line, lines);
            }
            else
            {
                log.Information("line {LineNumber} of {Lines}", line, lines);
            }
        });
    }
}
