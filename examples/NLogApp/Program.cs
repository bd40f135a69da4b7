using System.Globalization;
using NLog;

// NLogApp [lines] [NLog.config path]: logs the lines to the relay the config names, flushes, and exits.
var lines = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var config = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "NLog.config");

LogManager.Setup().LoadConfigurationFromFile(config);
var log = LogManager.GetLogger("NLogApp");
for (var i = 0; i < lines; i++)
{
    log.Info(CultureInfo.InvariantCulture, "line {0}", i);
}

LogManager.Flush(TimeSpan.FromSeconds(30));
LogManager.Shutdown();
Console.WriteLine($"logged {lines} lines");
