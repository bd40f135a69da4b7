using System.Diagnostics;
using System.Globalization;
using log4net;
using log4net.Config;

namespace Log4NetApp;

/// <summary>
/// <c>Log4NetApp [lines] [config-file] [--threads N] [--shutdown shutdown|exit]</c>: logs <c>line 0</c> ... up to
/// lines - 1 (default 100000) at INFO through the appenders of the config file (default the shipped log4net.config,
/// which sends to 127.0.0.1:41414), spread over N threads (default 1), and prints how long the log calls took. Then
/// <c>shutdown</c> (the default) calls <c>LogManager.Shutdown()</c>, log4net's documented way to flush and close at
/// exit, while <c>exit</c> just returns from Main and leaves it to log4net's own shutdown at process exit.
/// </summary>
internal static class Program
{
    private const string Usage = "usage: Log4NetApp [lines] [config-file] [--threads N] [--shutdown shutdown|exit]";

    private static int Main(string[] args)
    {
        if (!TryParse(args, out var lines, out var config, out var threads, out var shutdown, out var error))
        {
            Console.Error.WriteLine($"{error}\n{Usage}");
            return 2;
        }

        if (!File.Exists(config))
        {
            Console.Error.WriteLine($"config file {config} not found\n{Usage}");
            return 2;
        }

        XmlConfigurator.Configure(LogManager.GetRepository(typeof(Program).Assembly), new FileInfo(config));
        var log = LogManager.GetLogger(typeof(Program).Assembly, "Log4NetApp");
        var took = LogLines(log, lines, threads);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log calls took {took.TotalMilliseconds:0.0} ms ({lines} calls on {threads} threads)"));
        if (shutdown)
        {
            var clock = Stopwatch.StartNew();
            LogManager.Shutdown();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"shutdown took {clock.Elapsed.TotalMilliseconds:0} ms"));
        }

        Console.WriteLine($"logged {lines} lines");
        return 0;
    }

    /// <summary>Logs the lines from <paramref name="threads"/> threads started together; returns the time until the last call returned.</summary>
    private static TimeSpan LogLines(ILog log, int lines, int threads)
    {
        using var start = new ManualResetEventSlim();
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var first = (int)((long)lines * t / threads);
            var end = (int)((long)lines * (t + 1) / threads);
            workers[t] = new Thread(() =>
            {
                start.Wait();
                for (var i = first; i < end; i++)
                {
                    log.InfoFormat(CultureInfo.InvariantCulture, "line {0}", i);
                }
            });
            workers[t].Start();
        }

        var clock = Stopwatch.StartNew();
        start.Set();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        return clock.Elapsed;
    }

    private static bool TryParse(string[] args, out int lines, out string config, out int threads, out bool shutdown, out string error)
    {
        lines = 100_000;
        config = Path.Combine(AppContext.BaseDirectory, "log4net.config");
        threads = 1;
        shutdown = true;
        error = "";
        var positional = 0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out threads) || threads < 1)
                    {
                        error = $"--threads '{args[i]}' is not a positive whole number";
                        return false;
                    }

                    break;
                case "--shutdown" when i + 1 < args.Length:
                    var mode = args[++i];
                    if (mode is not ("shutdown" or "exit"))
                    {
                        error = $"--shutdown '{mode}' is not shutdown or exit";
                        return false;
                    }

                    shutdown = mode == "shutdown";
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    error = $"unknown option or missing value: {option}";
                    return false;
                case var text when positional == 0:
                    positional++;
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out lines))
                    {
                        error = $"lines '{text}' is not a whole number";
                        return false;
                    }

                    break;
                case var path when positional == 1:
                    positional++;
                    config = Path.GetFullPath(path);
                    break;
                default:
                    error = $"unexpected argument: {args[i]}";
                    return false;
            }
        }

        return true;
    }
}
