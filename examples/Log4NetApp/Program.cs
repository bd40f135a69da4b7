using System.Diagnostics;
using System.Globalization;
using Flume.Logging.Examples;
using log4net;
using log4net.Config;

// Log4NetApp [lines] [config-file] [--threads N] [--shutdown shutdown|exit]: logs "line 1" ... "line N" (default
// 100000) at INFO through the appenders of the config file (default the shipped log4net.config, which sends to
// 127.0.0.1:41414), spread over N threads (default 1), and prints how long the log calls took. Then "shutdown" (the
// default) calls LogManager.Shutdown(), log4net's documented way to flush and close at exit, and prints how long that
// took, while "exit" just returns from Main and leaves it to log4net's own shutdown at process exit.
var arguments = ExampleArguments.Parse("Log4NetApp", args, Path.Combine(AppContext.BaseDirectory, "log4net.config"), ["shutdown", "exit"]);
if (arguments is null)
{
    return 2;
}

if (!File.Exists(arguments.ConfigFile))
{
    Console.Error.WriteLine($"config file {arguments.ConfigFile} not found");
    return 2;
}

XmlConfigurator.Configure(LogManager.GetRepository(typeof(Program).Assembly), new FileInfo(arguments.ConfigFile));
var log = LogManager.GetLogger(typeof(Program).Assembly, "Log4NetApp");
LogCalls.Run(arguments.Lines, arguments.Threads, line => log.InfoFormat(CultureInfo.InvariantCulture, "line {0}", line));
if (arguments.Shutdown == "shutdown")
{
    var clock = Stopwatch.StartNew();
    LogManager.Shutdown();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"shutdown took {clock.Elapsed.TotalMilliseconds:0} ms"));
}

return 0;
