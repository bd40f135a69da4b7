namespace Flume.Logging.Rpc.Backoff;

/// <summary>
/// The one retry schedule of the project: how long to wait after the n-th failure (or idle pass) in a row. Flume uses
/// two shapes, both capped: doubling from a first delay (host backoff, sink-group penalties, spooldir) and a fixed
/// increment per failure (Flume's <c>backoffSleepIncrement</c>/<c>maxBackoffSleep</c> for sinks and polling sources).
/// </summary>
internal readonly record struct BackoffPolicy
{
    private BackoffPolicy(TimeSpan first, TimeSpan max, bool doubling)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, TimeSpan.Zero);
        First = first;
        Max = max;
        Doubling = doubling;
    }

    /// <summary>The delay after the first failure (the increment, for a linear schedule).</summary>
    public TimeSpan First { get; }

    /// <summary>The longest delay; zero means never wait.</summary>
    public TimeSpan Max { get; }

    /// <summary>True when each further failure doubles the delay; false when it adds <see cref="First"/>.</summary>
    public bool Doubling { get; }

    /// <summary><paramref name="first"/>, then twice as long after each further failure, up to <paramref name="max"/>.</summary>
    public static BackoffPolicy Exponential(TimeSpan first, TimeSpan max) => new(first, max, doubling: true);

    /// <summary><paramref name="increment"/> times the failures in a row, up to <paramref name="max"/>.</summary>
    public static BackoffPolicy Linear(TimeSpan increment, TimeSpan max) => new(increment, max, doubling: false);

    /// <summary>The delay after <paramref name="failures"/> failures in a row; zero for none.</summary>
    public TimeSpan Delay(int failures)
    {
        if (failures <= 0)
        {
            return TimeSpan.Zero;
        }

        // Each branch checks against the cap before multiplying, so no count of failures can overflow.
        var first = Math.Min(First.Ticks, Max.Ticks);
        if (Doubling)
        {
            var doublings = failures - 1;
            return doublings >= 62 || first > Max.Ticks >> doublings ? Max : TimeSpan.FromTicks(first << doublings);
        }

        return first > Max.Ticks / failures ? Max : TimeSpan.FromTicks(first * failures);
    }
}
