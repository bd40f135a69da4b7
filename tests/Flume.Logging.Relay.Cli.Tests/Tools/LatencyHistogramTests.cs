using Flume.Logging.Relay.Cli.Tools;
using FsCheck;
using FsCheck.Fluent;

namespace Flume.Logging.Relay.Cli.Tests.Tools;

public sealed class LatencyHistogramTests
{
    private static double NearestRank(long[] sorted, double percentile) =>
        sorted[Math.Max(1, (int)Math.Ceiling(percentile / 100 * sorted.Length)) - 1];

    private static void AssertWithin(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= expected * relative, $"expected {expected} within {relative:P1}, got {actual}");

    [Fact]
    public void Small_values_are_counted_exactly()
    {
        var histogram = new LatencyHistogram();
        for (var v = 1; v <= 100; v++)
        {
            histogram.Record(v);
        }

        Assert.Equal(50, histogram.ValueAtPercentile(50));
        Assert.Equal(99, histogram.ValueAtPercentile(99));
        Assert.Equal(100, histogram.ValueAtPercentile(99.9));
        Assert.Equal(100, histogram.ValueAtPercentile(100));
        Assert.Equal((1, 100, 100), (histogram.Min, histogram.Max, histogram.Count));
    }

    [Fact]
    public void Uniform_values_give_percentiles_within_half_a_percent()
    {
        var histogram = new LatencyHistogram();
        for (long v = 1; v <= 1_000_000; v++)
        {
            histogram.Record(v * 1000);
        }

        AssertWithin(500_000_000, histogram.ValueAtPercentile(50), 0.005);
        AssertWithin(990_000_000, histogram.ValueAtPercentile(99), 0.005);
        AssertWithin(999_000_000, histogram.ValueAtPercentile(99.9), 0.005);
    }

    [Fact]
    public void A_long_tail_is_reported_not_averaged_away()
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 990; i++)
        {
            histogram.Record(1_000_000);
        }

        for (var i = 0; i < 10; i++)
        {
            histogram.Record(250_000_000);
        }

        AssertWithin(1_000_000, histogram.ValueAtPercentile(50), 0.005);
        AssertWithin(1_000_000, histogram.ValueAtPercentile(99), 0.005);
        AssertWithin(250_000_000, histogram.ValueAtPercentile(99.9), 0.005);
    }

    [Fact]
    public void Percentiles_of_any_sample_are_within_one_percent_of_the_exact_nearest_rank()
    {
        // Log-uniform values from 1 to 2^40 ticks exercise every bucket scale, exact and log-linear.
        var values = Gen.Choose(0, 40)
            .SelectMany(power => Gen.Choose(0, int.MaxValue).Select(r => (long)Math.Pow(2, power) + ((long)r % (1L << power))));
        var samples = Gen.NonEmptyListOf(values).Select(list => list.ToArray()).ToArbitrary();
        Prop.ForAll(samples, sample =>
        {
            var histogram = new LatencyHistogram();
            foreach (var value in sample)
            {
                histogram.Record(value);
            }

            var sorted = sample.Order().ToArray();
            foreach (var percentile in new[] { 50, 90, 99, 99.9, 100 })
            {
                var exact = NearestRank(sorted, percentile);
                var reported = histogram.ValueAtPercentile(percentile);
                if (Math.Abs(reported - exact) > exact * 0.01)
                {
                    return false;
                }
            }

            return true;
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(300).WithEndSize(2000));
    }

    [Fact]
    public void Merged_histograms_report_as_one_that_saw_every_value()
    {
        var random = new Random(7);
        var all = new LatencyHistogram();
        var parts = new[] { new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram() };
        for (var i = 0; i < 30_000; i++)
        {
            var value = (long)(random.NextDouble() * random.NextDouble() * 50_000_000);
            all.Record(value);
            parts[i % 3].Record(value);
        }

        var merged = new LatencyHistogram();
        merged.Add(new LatencyHistogram());
        foreach (var part in parts)
        {
            merged.Add(part);
        }

        Assert.Equal((all.Count, all.Min, all.Max), (merged.Count, merged.Min, merged.Max));
        foreach (var percentile in new[] { 50, 99, 99.9 })
        {
            Assert.Equal(all.ValueAtPercentile(percentile), merged.ValueAtPercentile(percentile));
        }
    }

    [Fact]
    public void An_empty_histogram_reports_zero_and_a_negative_value_counts_as_zero()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.ValueAtPercentile(99));

        histogram.Record(-5);

        Assert.Equal((0, 0, 1), (histogram.ValueAtPercentile(50), histogram.Max, histogram.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.ValueAtPercentile(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.ValueAtPercentile(100.1));
    }
}
