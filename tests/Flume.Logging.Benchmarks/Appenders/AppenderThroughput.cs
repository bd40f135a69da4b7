using System.Diagnostics;
using System.Globalization;
using Flume.Logging.Appenders;

namespace Flume.Logging.Benchmarks.Appenders;

/// <summary>
/// End-to-end appender throughput, outside BenchmarkDotNet because it measures a whole process: 4 application
/// threads log through one appender (Block overflow, so nothing is dropped) to a running relay, and the time runs
/// until the last event is acknowledged. Prints events/s and this process's CPU and peak memory as JSON.
/// Usage: appender-throughput host:port [events per thread] [threads].
/// </summary>
internal static class AppenderThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        var hosts = args[0];
        var perThread = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4;
        var options = new FlumeAppenderOptions { Hosts = hosts, BatchSize = 1000, QueueLimit = 100_000, Overflow = OverflowMode.Block, BlockTimeout = TimeSpan.FromSeconds(30) };
        await using var delivery = new FlumeDelivery(options, Console.Error.WriteLine);
        var factory = new FlumeEventFactory(options, "bench-host");
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var loggers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var logger = $"Benchmarks.Thread{t}";
                for (var i = 0; i < perThread; i++)
                {
                    var record = new FlumeLogRecord(logger, FlumeLogLevel.Info, DateTimeOffset.UtcNow, "order 42 shipped to warehouse 7 in 153 ms");
                    delivery.TryEnqueue(factory.Create(record));
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(loggers);
        var total = (long)perThread * threads;
        while (delivery.EventsSent + delivery.EventsDropped < total)
        {
            await Task.Delay(1);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"events\":{total},\"seconds\":{seconds:0.000},\"eventsPerSecond\":{total / seconds:0},\"dropped\":{delivery.EventsDropped},\"appenderCpuCores\":{cpu / seconds:0.00},\"peakWorkingSetMb\":{process.PeakWorkingSet64 / (1024 * 1024)}}}"));
        return delivery.EventsDropped == 0 ? 0 : 1;
    }
}
