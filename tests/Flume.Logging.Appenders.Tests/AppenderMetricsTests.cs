using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Flume.Logging.Appenders.Diagnostics;
using Flume.Logging.Protocol;
using Flume.Logging.Testing;

namespace Flume.Logging.Appenders.Tests;

public sealed class AppenderMetricsTests
{
    private static Dictionary<string, long> Collect(string name)
    {
        var values = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FlumeAppenderMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? kind = null, appender = null;
            foreach (var tag in tags)
            {
                kind = tag.Key == FlumeAppenderMetrics.KindTag ? (string?)tag.Value : kind;
                appender = tag.Key == FlumeAppenderMetrics.NameTag ? (string?)tag.Value : appender;
            }

            if (kind == "test" && appender == name)
            {
                values[instrument.Name] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return new Dictionary<string, long>(values);
    }

    [Fact]
    public async Task Each_appender_publishes_its_counters_under_the_documented_meter_tagged_with_its_kind_and_name()
    {
        var client = new FakeRpcClient();
        var options = new FlumeAppenderOptions { Hosts = "127.0.0.1:9", BatchSize = 1, QueueLimit = 5 };
        var delivery = new FlumeDelivery(options, new DeliveryContext { Kind = "test", Name = "metrics-a", ClientFactory = _ => client });
        client.FailAlways = true;
        delivery.TryEnqueue(FlumeEvent.FromText("first"));
        // At least one: the retry 1 s later fails too, and a test thread held up for that long (a loaded CI machine) would
        // never see the count at exactly 1.
        await Eventually.TrueAsync(() => delivery.BatchesFailed >= 1, "a failed batch");
        for (var i = 0; i < 7; i++)
        {
            delivery.TryEnqueue(FlumeEvent.FromText("more"));
        }

        var live = Collect("metrics-a");
        Assert.Equal(6, live[FlumeAppenderMetrics.EventsQueued]);
        Assert.Equal(2, live[FlumeAppenderMetrics.EventsDropped]);
        Assert.Equal(5, live[FlumeAppenderMetrics.QueueSize]);
        Assert.Equal(0, live[FlumeAppenderMetrics.BufferSize]);
        Assert.True(live[FlumeAppenderMetrics.BatchesFailed] >= 1);

        client.FailAlways = false;
        Assert.True(await delivery.FlushAsync(TimeSpan.FromSeconds(10)));
        await delivery.DisposeAsync();

        // A closed appender's counts stay in its name's totals, and a new one under that name adds to them.
        await using var again = new FlumeDelivery(options, new DeliveryContext { Kind = "test", Name = "metrics-a", ClientFactory = _ => new FakeRpcClient() });
        again.TryEnqueue(FlumeEvent.FromText("later"));
        Assert.True(await again.FlushAsync(TimeSpan.FromSeconds(10)));
        var after = Collect("metrics-a");
        Assert.Equal(7, after[FlumeAppenderMetrics.EventsQueued]);
        Assert.Equal(7, after[FlumeAppenderMetrics.EventsSent]);
        Assert.Equal(2, after[FlumeAppenderMetrics.EventsDropped]);
        Assert.Equal(0, after[FlumeAppenderMetrics.QueueSize]);
    }
}
