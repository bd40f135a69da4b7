using System.Numerics;

namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>
/// A log-linear (HDR-style) histogram of non-negative integer values such as timestamp ticks: values below 256 are
/// counted exactly, larger ones in buckets 1/128 of their power of two wide, so any percentile it reports is within
/// 0.4 % of the true nearest-rank value. Fixed size (about 58 KB), no allocation per value; not thread-safe, so
/// each sender keeps its own and they are merged with <see cref="Add"/>.
/// </summary>
internal sealed class LatencyHistogram
{
    // Values below 2^ExactBits get a bucket each; above, each power of two is split into 2^(ExactBits-1) buckets.
    private const int ExactBits = 8;
    private const int Exact = 1 << ExactBits;
    private const int SubBuckets = Exact / 2;
    private const int BucketCount = Exact + ((63 - ExactBits) * SubBuckets);

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>How many values were recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The smallest value recorded; 0 when empty.</summary>
    public long Min { get; private set; }

    /// <summary>The largest value recorded; 0 when empty.</summary>
    public long Max { get; private set; }

    /// <summary>Counts <paramref name="value"/>; a negative value (a clock that stepped back) counts as 0.</summary>
    public void Record(long value)
    {
        value = Math.Max(0, value);
        _counts[IndexOf(value)]++;
        Min = Count == 0 ? value : Math.Min(Min, value);
        Max = Math.Max(Max, value);
        Count++;
    }

    /// <summary>Adds every value recorded in <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        Min = Count == 0 ? other.Min : Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        Count += other.Count;
    }

    /// <summary>
    /// The nearest-rank <paramref name="percentile"/> (0-100]: the smallest recorded value with at least that share
    /// of values at or below it, reported as the middle of its bucket, clamped to <see cref="Min"/>..<see cref="Max"/>.
    /// 0 when nothing was recorded.
    /// </summary>
    public double ValueAtPercentile(double percentile)
    {
        if (percentile is <= 0 or > 100 || double.IsNaN(percentile))
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "percentile must be in (0, 100]");
        }

        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * Count));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                var (low, width) = BucketRange(i);
                var middle = low + ((width - 1) / 2.0);
                return Math.Clamp(middle, Min, Max);
            }
        }

        return Max;
    }

    private static int IndexOf(long value)
    {
        if (value < Exact)
        {
            return (int)value;
        }

        var power = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = power - (ExactBits - 1);
        var sub = (int)(value >> shift) - SubBuckets;
        return Exact + ((power - ExactBits) * SubBuckets) + sub;
    }

    private static (double Low, double Width) BucketRange(int index)
    {
        if (index < Exact)
        {
            return (index, 1);
        }

        var power = ((index - Exact) / SubBuckets) + ExactBits;
        var sub = ((index - Exact) % SubBuckets) + SubBuckets;
        var width = Math.Pow(2, power - (ExactBits - 1));
        return (sub * width, width);
    }
}
