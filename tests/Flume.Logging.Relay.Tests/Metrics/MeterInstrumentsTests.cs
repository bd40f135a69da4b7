using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Metrics;

/// <summary>The counters as System.Diagnostics.Metrics instruments, and the two views read from them.</summary>
public sealed class MeterInstrumentsTests
{
    private sealed record Reading(string Instrument, string InstrumentType, string? Unit, string Type, string Component, double Value);

    /// <summary>
    /// What any listener (OpenTelemetry, dotnet-counters) would read now from every <c>Flume.Logging.Relay</c> meter,
    /// limited to components whose names start with <paramref name="prefix"/>: tests in parallel have meters too.
    /// </summary>
    private static List<Reading> Listen(string prefix)
    {
        var readings = new List<Reading>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, subscribe) =>
        {
            if (instrument.Meter.Name == MetricsRegistry.MeterName)
            {
                subscribe.EnableMeasurementEvents(instrument);
            }
        };
        void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var all = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                all[tag.Key] = tag.Value;
            }

            var component = (string)all[MetricsRegistry.ComponentNameTag]!;
            if (component.StartsWith(prefix, StringComparison.Ordinal))
            {
                lock (readings)
                {
                    readings.Add(new Reading(
                        instrument.Name, instrument.GetType().Name, instrument.Unit, (string)all[MetricsRegistry.ComponentTypeTag]!, component, value));
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();
        listener.RecordObservableInstruments();
        return readings;
    }

    private static double Value(List<Reading> readings, string instrument, string component) =>
        Assert.Single(readings, r => r.Instrument == instrument && r.Component == component).Value;

    [Fact]
    public void A_meter_listener_sees_each_counter_under_its_instrument_tagged_with_component_type_and_name()
    {
        using var registry = new MetricsRegistry();
        var source = new SourceCounter("tags-r1");
        source.AddEventsReceived(7);
        source.AddEventsAccepted(6);
        source.ConnectionOpened();
        var channel = new ChannelCounter("tags-c1", capacity: 40, new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_344_882_209_413)));
        channel.Start();
        channel.SetChannelSize(10);
        var sink = new SinkCounter("tags-k1");
        sink.AddDelivered(100, 100);
        registry.Register(source);
        registry.Register(channel);
        registry.Register(sink);

        var readings = Listen("tags-");

        var received = Assert.Single(readings, r => r.Instrument == "flume.source.events.received");
        Assert.Equal(new Reading("flume.source.events.received", "ObservableCounter`1", "{event}", "source", "tags-r1", 7), received);
        Assert.Equal(6, Value(readings, "flume.source.events.accepted", "tags-r1"));
        var open = Assert.Single(readings, r => r.Instrument == "flume.source.connections.open");
        Assert.Equal(("ObservableUpDownCounter`1", "{connection}", 1.0), (open.InstrumentType, open.Unit, open.Value));
        var size = Assert.Single(readings, r => r.Instrument == "flume.channel.size");
        Assert.Equal(("ObservableUpDownCounter`1", "channel", "tags-c1", 10.0), (size.InstrumentType, size.Type, size.Component, size.Value));
        var fill = Assert.Single(readings, r => r.Instrument == "flume.channel.fill_percentage");
        Assert.Equal(("ObservableGauge`1", "%", 25.0), (fill.InstrumentType, fill.Unit, fill.Value));
        Assert.Equal(1_344_882_209_413, Value(readings, "flume.component.start_time", "tags-c1"));
        Assert.Equal(0, Value(readings, "flume.component.start_time", "tags-k1"));
        Assert.Equal(1, Value(readings, "flume.sink.batches.complete", "tags-k1"));
        Assert.Equal(100, Value(readings, "flume.sink.events.drained", "tags-k1"));
        Assert.Equal("sink", Assert.Single(readings, r => r.Instrument == "flume.sink.events.drained").Type);

        // Every metric of the three groups, each once: 11 + 7 + 10 counters, and a start and stop time for each.
        Assert.Equal(11 + 7 + 10 + (3 * 2), readings.Count);
        Assert.Equal(readings.Count, readings.Select(r => (r.Instrument, r.Component)).Distinct().Count());
    }

    [Fact]
    public void The_json_and_prometheus_views_show_what_a_meter_listener_reads_and_follow_it()
    {
        using var registry = new MetricsRegistry();
        var channel = new ChannelCounter("views-c1", capacity: 1000);
        var sink = new SinkCounter("views-k1");
        registry.Register(channel);
        registry.Register(sink);

        for (var round = 1; round <= 2; round++)
        {
            channel.AddTransaction(putAttempts: 30, takeAttempts: 0, putsCommitted: 25, takesCommitted: 0);
            channel.SetChannelSize(25 * round);
            sink.AddDrainAttempt(10);
            sink.AddEventWriteFail(3);

            var readings = Listen("views-");
            var json = JsonDocument.Parse(MetricsFormat.Json(registry.Measure())).RootElement;
            var text = MetricsFormat.Prometheus(registry.Measure());
            foreach (var (instrument, component, key, attribute, family) in new[]
            {
                ("flume.channel.puts.attempted", "views-c1", "CHANNEL.views-c1", "EventPutAttemptCount", "flume_channel_event_put_attempt_total"),
                ("flume.channel.puts.committed", "views-c1", "CHANNEL.views-c1", "EventPutSuccessCount", "flume_channel_event_put_success_total"),
                ("flume.channel.size", "views-c1", "CHANNEL.views-c1", "ChannelSize", "flume_channel_size"),
                ("flume.sink.events.drain_attempted", "views-k1", "SINK.views-k1", "EventDrainAttemptCount", "flume_sink_event_drain_attempt_total"),
                ("flume.sink.events.write_failed", "views-k1", "SINK.views-k1", "EventWriteFail", "flume_sink_event_write_fail_total"),
            })
            {
                var value = Value(readings, instrument, component).ToString(CultureInfo.InvariantCulture);
                Assert.Equal(value, json.GetProperty(key).GetProperty(attribute).GetString());
                Assert.Contains($"\n{family}{{component=\"{component}\"}} {value}\n", text, StringComparison.Ordinal);
            }

            Assert.Equal((30 * round).ToString(CultureInfo.InvariantCulture), json.GetProperty("CHANNEL.views-c1").GetProperty("EventPutAttemptCount").GetString());
            Assert.Equal((2.5 * round).ToString("0.0", CultureInfo.InvariantCulture), json.GetProperty("CHANNEL.views-c1").GetProperty("ChannelFillPercentage").GetString());
            Assert.Equal(2.5 * round, Value(readings, "flume.channel.fill_percentage", "views-c1"));
        }
    }

    [Fact]
    public void An_unregistered_group_leaves_the_instruments_and_both_views_and_its_name_can_be_registered_again()
    {
        using var registry = new MetricsRegistry();
        var kept = new SinkCounter("removed-k1");
        var removed = new SinkCounter("removed-k2");
        removed.AddDrainAttempt(5);
        registry.Register(kept);
        registry.Register(removed);
        Assert.Contains(Listen("removed-"), r => r.Component == "removed-k2");

        Assert.True(registry.Unregister(removed));
        Assert.False(registry.Unregister(removed));
        Assert.False(registry.Unregister(new SinkCounter("removed-k1")));

        var readings = Listen("removed-");
        Assert.DoesNotContain(readings, r => r.Component == "removed-k2");
        Assert.Contains(readings, r => r.Component == "removed-k1" && r.Instrument == "flume.sink.events.drain_attempted");
        var json = JsonDocument.Parse(MetricsFormat.Json(registry.Measure())).RootElement;
        Assert.Equal(["SINK.removed-k1"], json.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain("removed-k2", MetricsFormat.Prometheus(registry.Measure()), StringComparison.Ordinal);
        Assert.Equal([kept], registry.Snapshot());

        // A reload that re-creates the component registers a new group under the same name; it counts from zero.
        var again = new SinkCounter("removed-k2");
        registry.Register(again);
        Assert.Equal(0, Value(Listen("removed-"), "flume.sink.events.drain_attempted", "removed-k2"));
    }

    [Fact]
    public void A_custom_groups_metrics_get_instruments_named_after_them()
    {
        using var registry = new MetricsRegistry();
        registry.Register(new CustomGroup("custom-audit"));

        var readings = Listen("custom-");

        var audited = Assert.Single(readings, r => r.Instrument == "flume.other.audited_count");
        Assert.Equal(("ObservableCounter`1", "other", 42.0), (audited.InstrumentType, audited.Type, audited.Value));
        Assert.Equal("ObservableGauge`1", Assert.Single(readings, r => r.Instrument == "flume.other.backlog_ratio").InstrumentType);
        Assert.Equal(0.5, Value(readings, "flume.other.backlog_ratio", "custom-audit"));
        Assert.Equal("{\"OTHER.custom-audit\":{\"AuditedCount\":\"42\",\"BacklogRatio\":\"0.5\",\"StartTime\":\"0\",\"StopTime\":\"0\",\"Type\":\"OTHER\"}}",
            System.Text.Encoding.UTF8.GetString(MetricsFormat.Json(registry.Measure())));
    }

    [Fact]
    public async Task Disposing_the_agent_ends_its_meter()
    {
        var text = """
            a1.sources = disposed-r1
            a1.channels = disposed-c1
            a1.sinks = disposed-k1
            a1.sources.disposed-r1.type = seq
            a1.sources.disposed-r1.totalEvents = 10
            a1.sources.disposed-r1.channels = disposed-c1
            a1.channels.disposed-c1.type = memory
            a1.sinks.disposed-k1.type = null
            a1.sinks.disposed-k1.channel = disposed-c1
            """;
        var configuration = Relay.Config.FlumeConfiguration.Load(Relay.Config.PropertiesReader.Read(new StringReader(text), "test.properties"), null);
        var agent = RelayAgent.Build(configuration, ComponentRegistry.CreateDefault(), new ComponentServices(NullLoggerFactory.Instance, TimeProvider.System));
        await agent.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(
            () => Listen("disposed-").Any(r => r.Instrument == "flume.sink.events.drained" && r.Value == 10), "the sink to drain 10 events, seen through the meter");

        await agent.DisposeAsync();

        Assert.Empty(Listen("disposed-"));
        Assert.Empty(agent.Metrics.Measure());
        Assert.Throws<ObjectDisposedException>(() => agent.Metrics.Register(new SinkCounter("disposed-k2")));
    }

    private sealed class CustomGroup(string name) : CounterGroup(name, MetricsComponentType.Other)
    {
        protected override void CollectCounters(ICollection<Metric> metrics)
        {
            metrics.Add(new Metric("AuditedCount", MetricKind.Counter, 42));
            metrics.Add(new Metric("BacklogRatio", MetricKind.Gauge, 0.5, Integral: false));
        }
    }
}
