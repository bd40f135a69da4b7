using System.Globalization;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Debugging;
using Serilog.Settings.Configuration;

namespace SerilogApp;

/// <summary>
/// Logs N lines (first argument, default 100000) through Serilog to the Flume relay configured in appsettings.json
/// (or the file named by the second argument), then flushes and exits. Every 1000th line is a warning.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var lines = 100_000;
        if (args.Length > 0 && (!int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out lines) || lines < 0))
        {
            Console.Error.WriteLine($"usage: SerilogApp [lines] [config.json]; '{args[0]}' is not a number of lines");
            return 2;
        }

        var configFile = args.Length > 1 ? Path.GetFullPath(args[1]) : Path.Combine(AppContext.BaseDirectory, "appsettings.json");

        // Drops and delivery problems are reported here.
        SelfLog.Enable(Console.Error);
        var configuration = new ConfigurationBuilder().AddJsonFile(configFile, optional: false).Build();
        // Naming the sink's assembly spares Serilog.Settings.Configuration its scan of the app folder for *Serilog*.dll
        // files, which fails when the folder holds assemblies the app does not reference (as a test's output folder does).
        var readerOptions = new ConfigurationReaderOptions(typeof(FlumeLoggerConfigurationExtensions).Assembly);
        Log.Logger = new LoggerConfiguration().ReadFrom.Configuration(configuration, readerOptions).CreateLogger();
        var log = Log.ForContext(typeof(Program));
        for (var i = 1; i <= lines; i++)
        {
            if (i % 1000 == 0)
            {
                log.Warning("line {LineNumber} of {Lines}", i, lines);
            }
            else
            {
                log.Information("line {LineNumber} of {Lines}", i, lines);
            }
        }

        Log.CloseAndFlush();
        Console.WriteLine($"logged {lines} lines");
        return 0;
    }
}
