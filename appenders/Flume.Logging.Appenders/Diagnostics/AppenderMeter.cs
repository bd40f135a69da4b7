using System.Diagnostics.Metrics;
using Flume.Logging.Appenders.Delivery;

namespace Flume.Logging.Appenders.Diagnostics;

/// <summary>
/// The one meter of all appenders in the process. Its instruments are observable: a log call pays nothing, and the
/// counters are read only when a listener collects. Counters of closed appenders are kept per kind and name, so a
/// reconfigured appender's counters never go backwards.
/// </summary>
internal static class AppenderMeter
{
    private const int Counters = 5;

    private static readonly Lock Gate = new();
    private static readonly List<Source> Live = [];
    private static readonly Dictionary<(string Kind, string Name), long[]> Closed = [];
    private static readonly Meter Meter = CreateMeter();

    /// <summary>What the meter reads from one delivery core.</summary>
    internal sealed record Source(string Kind, string Name, DeliveryCounters Counters, Func<int> QueueSize, Func<int> BufferSize);

    /// <summary>Starts publishing <paramref name="source"/>'s counters.</summary>
    public static void Register(Source source)
    {
        _ = Meter;
        lock (Gate)
        {
            Live.Add(source);
        }
    }

    /// <summary>Stops reading <paramref name="source"/>; its final counts stay in the totals of its kind and name.</summary>
    public static void Unregister(Source source)
    {
        lock (Gate)
        {
            if (!Live.Remove(source))
            {
                return;
            }

            var key = (source.Kind, source.Name);
            if (!Closed.TryGetValue(key, out var totals))
            {
                Closed[key] = totals = new long[Counters];
            }

            var counts = Read(source.Counters);
            for (var i = 0; i < Counters; i++)
            {
                totals[i] += counts[i];
            }
        }
    }

    private static Meter CreateMeter()
    {
        var meter = new Meter(FlumeAppenderMetrics.MeterName, typeof(AppenderMeter).Assembly.GetName().Version?.ToString());
        meter.CreateObservableCounter(FlumeAppenderMetrics.EventsQueued, () => Cumulative(0), "{event}", "Events accepted into the memory queue");
        meter.CreateObservableCounter(FlumeAppenderMetrics.EventsSent, () => Cumulative(1), "{event}", "Events a relay acknowledged");
        meter.CreateObservableCounter(FlumeAppenderMetrics.EventsDropped, () => Cumulative(2), "{event}", "Events lost");
        meter.CreateObservableCounter(FlumeAppenderMetrics.EventsBuffered, () => Cumulative(3), "{event}", "Events written to the disk buffer");
        meter.CreateObservableCounter(FlumeAppenderMetrics.BatchesFailed, () => Cumulative(4), "{batch}", "Send attempts that failed");
        meter.CreateObservableUpDownCounter(FlumeAppenderMetrics.QueueSize, () => Current(static s => s.QueueSize()), "{event}", "Events waiting in the memory queue");
        meter.CreateObservableUpDownCounter(FlumeAppenderMetrics.BufferSize, () => Current(static s => s.BufferSize()), "{event}", "Events waiting in the disk buffer");
        return meter;
    }

    private static long[] Read(DeliveryCounters counters) =>
        [counters.Enqueued, counters.Sent, counters.Dropped, counters.Buffered, counters.BatchesFailed];

    private static List<Measurement<long>> Cumulative(int counter)
    {
        // One measurement per kind and name: live appenders sharing a name (NLog reconfiguring) are summed, on top of
        // what closed ones counted.
        var sums = new Dictionary<(string Kind, string Name), long>();
        lock (Gate)
        {
            foreach (var (key, totals) in Closed)
            {
                sums[key] = totals[counter];
            }

            foreach (var source in Live)
            {
                var key = (source.Kind, source.Name);
                sums[key] = sums.GetValueOrDefault(key) + Read(source.Counters)[counter];
            }
        }

        return ToMeasurements(sums);
    }

    private static List<Measurement<long>> Current(Func<Source, int> read)
    {
        var sums = new Dictionary<(string Kind, string Name), long>();
        lock (Gate)
        {
            foreach (var source in Live)
            {
                var key = (source.Kind, source.Name);
                sums[key] = sums.GetValueOrDefault(key) + read(source);
            }
        }

        return ToMeasurements(sums);
    }

    private static List<Measurement<long>> ToMeasurements(Dictionary<(string Kind, string Name), long> sums)
    {
        var measurements = new List<Measurement<long>>(sums.Count);
        foreach (var ((kind, name), value) in sums)
        {
            measurements.Add(new Measurement<long>(
                value,
                new KeyValuePair<string, object?>(FlumeAppenderMetrics.KindTag, kind),
                new KeyValuePair<string, object?>(FlumeAppenderMetrics.NameTag, name)));
        }

        return measurements;
    }
}
