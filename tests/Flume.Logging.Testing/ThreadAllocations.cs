namespace Flume.Logging.Testing;

/// <summary>Measures what a piece of code allocates on the calling thread in steady state.</summary>
public static class ThreadAllocations
{
    /// <summary>
    /// Runs <paramref name="pass"/> once unmeasured (its first run may load types or run static constructors, unless
    /// a test in parallel already did), then three times measured, and returns the fewest bytes one measured pass
    /// allocated. The fewest, because the runtime's per-thread count is now and then off by a few kilobytes across a
    /// garbage collection; code that allocates per call allocates in every pass, so it still shows.
    /// </summary>
    public static long FewestPerPass(Action pass)
    {
        pass();
        var fewest = long.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            pass();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}
