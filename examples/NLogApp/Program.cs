using System.Globalization;
using Flume.Logging.Examples;
using NLog;
using NLog.Common;

// NLogApp [lines] [NLog.config] [--threads N] [--shutdown shutdown|exit]: logs the lines to the relay the config names
// (the shipped one: 127.0.0.1:41414, the avro source of examples/relay.properties), then ends the NLog way chosen:
// "shutdown" calls LogManager.Shutdown(); "exit" just returns from Main, and NLog closes its targets at process exit.
// Neither needs a LogManager.Flush() first: closing the Flume target sends what is queued, within shutdownTimeout.
var arguments = ExampleArguments.Parse("NLogApp", args, Path.Combine(AppContext.BaseDirectory, "NLog.config"), ["shutdown", "exit"]);
if (arguments is null)
{
    return 2;
}

// Drops and delivery problems are reported through NLog's internal log: show its warnings on standard error, even
// when the configuration does not ask for them.
InternalLogger.LogLevel = LogLevel.Warn;
InternalLogger.LogToConsoleError = true;
LogManager.Setup().LoadConfigurationFromFile(arguments.ConfigFile);
var log = LogManager.GetLogger("NLogApp");
LogCalls.Run(arguments.Lines, arguments.Threads, line => log.Info(CultureInfo.InvariantCulture, "line {0}", line));
if (arguments.Shutdown == "shutdown")
{
    LogManager.Shutdown();
}

return 0;
