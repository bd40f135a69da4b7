using System.Diagnostics;
using System.Globalization;
using Flume.Logging.Appenders;
using Flume.Logging.Benchmarks.Appenders.FrontEnds;

namespace Flume.Logging.Benchmarks.Appenders;

/// <summary>
/// End-to-end appender throughput, outside BenchmarkDotNet because it measures a whole process: 4 application
/// threads log through one front end (the core alone, or a logging framework with its Flume appender) to a running
/// relay, and with Block overflow (nothing dropped) the time runs until the last event is acknowledged. Every log
/// call is timed, so the JSON also gives the call's p50, p99.9 and worst case, the numbers that show whether a log
/// call ever blocks.
/// With a rate, each thread paces its calls to that many per second, so the calls can be timed at a load the relay
/// absorbs, without the queue filling. With a warm-up, each thread's first calls count as events but not in the
/// percentiles (<c>callP*</c>): they pay for compiling the framework's logging path and, with a dead relay, for filling
/// the queue while the GC moves what it holds. <c>callP999AllUs</c> includes them. <c>gcs</c> (collections of each
/// generation) and <c>gcPauseMs</c> cover the run. A <c>-baseline</c> front end is the framework with a sink that only
/// renders the message: what the framework costs without us.
/// Usage: appender-throughput core|mel|serilog|nlog|log4net[-baseline] host:port [events per thread] [threads] [Block|DropNewest|DropOldest] [calls/s per thread] [warm-up calls per thread].
/// </summary>
internal static class AppenderThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        var frontEndName = args[0];
        var hosts = args[1];
        var perThread = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000;
        var threads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4;
        var overflow = args.Length > 4 ? Enum.Parse<OverflowMode>(args[4]) : OverflowMode.Block;
        var rate = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 0;
        var warmup = args.Length > 6 ? Math.Min(int.Parse(args[6], CultureInfo.InvariantCulture), perThread - 1) : 0;
        var ticksPerCall = rate > 0 ? (double)Stopwatch.Frequency / rate : 0;
        var options = new FlumeAppenderOptions
        {
            Hosts = hosts,
            BatchSize = 1000,
            QueueLimit = 100_000,
            Overflow = overflow,
            BlockTimeout = TimeSpan.FromSeconds(30),
            ShutdownTimeout = TimeSpan.FromSeconds(2),
        };
        using var totals = new AppenderMeterTotals();
        var frontEnd = Create(frontEndName, options, threads);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var gcBefore = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2), Pause: GC.GetTotalPauseDuration());
        var clock = Stopwatch.StartNew();
        var callTicks = new long[threads][];
        var loggers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var ticks = callTicks[t] = new long[perThread];
                var begun = Stopwatch.GetTimestamp();
                for (var i = 0; i < perThread; i++)
                {
                    if (ticksPerCall > 0 && (i & 255) == 0)
                    {
                        // Ahead of the rate: sleep it off between calls, outside the timed part.
                        var ahead = begun + (long)(i * ticksPerCall) - Stopwatch.GetTimestamp();
                        if (ahead > 0)
                        {
                            Thread.Sleep(TimeSpan.FromSeconds((double)ahead / Stopwatch.Frequency));
                        }
                    }

                    var start = Stopwatch.GetTimestamp();
                    frontEnd.Log(t, i);
                    ticks[i] = Stopwatch.GetTimestamp() - start;
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(loggers);
        var loggingSeconds = clock.Elapsed.TotalSeconds;
        var all = callTicks.SelectMany(t => t).ToArray();
        Array.Sort(all);
        var calls = callTicks.SelectMany(t => t[warmup..]).ToArray();
        Array.Sort(calls);
        double Micros(double quantile) => Quantile(calls, quantile);
        var total = (long)perThread * threads;
        // With Block every event is eventually acknowledged; in the drop modes (a dead relay) only the calls are timed,
        // and a baseline sends nothing.
        var baseline = frontEndName.EndsWith("-baseline", StringComparison.Ordinal);
        while (overflow == OverflowMode.Block && !baseline && totals.Read() is var (sent, lost) && sent + lost < total)
        {
            await Task.Delay(1);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"events\":{total},\"seconds\":{seconds:0.000},\"eventsPerSecond\":{total / seconds:0},\"loggingSeconds\":{loggingSeconds:0.000},\"callP50Us\":{Micros(0.5):0.00},\"callP999Us\":{Micros(0.999):0.00},\"callMaxUs\":{Micros(1):0.0},\"warmupCallsPerThread\":{warmup},\"callP999AllUs\":{Quantile(all, 0.999):0.00},\"dropped\":{totals.Read().Dropped},\"appenderCpuCores\":{cpu / seconds:0.00},\"peakWorkingSetMb\":{process.PeakWorkingSet64 / (1024 * 1024)},\"gcs\":[{GC.CollectionCount(0) - gcBefore.Gen0},{GC.CollectionCount(1) - gcBefore.Gen1},{GC.CollectionCount(2) - gcBefore.Gen2}],\"gcPauseMs\":{(GC.GetTotalPauseDuration() - gcBefore.Pause).TotalMilliseconds:0}}}"));
        // With Block nothing may be dropped; the drop modes are measured with a dead relay on purpose.
        var dropped = totals.Read().Dropped;
        await frontEnd.DisposeAsync();
        return overflow != OverflowMode.Block || dropped == 0 ? 0 : 1;
    }

    private static double Quantile(long[] sortedTicks, double quantile) =>
        sortedTicks[Math.Min(sortedTicks.Length - 1, (int)(quantile * sortedTicks.Length))] * 1e6 / Stopwatch.Frequency;

    private static IBenchFrontEnd Create(string name, FlumeAppenderOptions options, int threads) => name switch
    {
        "core" => new CoreFrontEnd(options, threads),
        "mel" => new ExtensionsFrontEnd(options, threads),
        "serilog" => new SerilogFrontEnd(options, threads),
        "nlog" => new NLogFrontEnd(options, threads),
        "log4net" => new Log4NetFrontEnd(options, threads),
        "mel-baseline" => new ExtensionsFrontEnd(options, threads, baseline: true),
        "serilog-baseline" => new SerilogFrontEnd(options, threads, baseline: true),
        "nlog-baseline" => new NLogFrontEnd(options, threads, baseline: true),
        "log4net-baseline" => new Log4NetFrontEnd(options, threads, baseline: true),
        _ => throw new ArgumentException($"unknown front end '{name}': core, mel, serilog, nlog or log4net, or a framework's -baseline", nameof(name)),
    };
}
