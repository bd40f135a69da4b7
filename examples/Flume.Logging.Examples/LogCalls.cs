using System.Diagnostics;

namespace Flume.Logging.Examples;

/// <summary>Runs the log calls of an example: lines 1..N split over threads, timed, with the two result lines printed.</summary>
public static class LogCalls
{
    /// <summary>
    /// Calls <paramref name="log"/> for lines 1 to <paramref name="lines"/>, each thread taking a contiguous range in
    /// ascending order (so a reader can check the order per thread), all threads starting together. Then prints
    /// <c>logged N lines</c> and <c>log calls took T ms</c>: the time from the start to the last call's return.
    /// </summary>
    public static void Run(int lines, int threads, Action<int> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var start = new Barrier(threads + 1);
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var first = (int)((long)lines * t / threads) + 1;
            var last = (int)((long)lines * (t + 1) / threads);
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (var line = first; line <= last; line++)
                {
                    log(line);
                }
            })
            { Name = $"log-{t + 1}" };
            workers[t].Start();
        }

        start.SignalAndWait();
        var watch = Stopwatch.StartNew();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        watch.Stop();
        Console.WriteLine($"logged {lines} lines");
        Console.WriteLine($"log calls took {watch.ElapsedMilliseconds} ms");
    }
}
