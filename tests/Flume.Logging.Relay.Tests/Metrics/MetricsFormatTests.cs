using System.Text;
using System.Text.Json;
using Flume.Logging.Relay.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Metrics;

public sealed class MetricsFormatTests
{
    private static ChannelCounter Channel(string name, long size)
    {
        var counter = new ChannelCounter(name, capacity: 100, new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_344_882_209_413)));
        counter.Start();
        counter.SetChannelSize(size);
        counter.AddTransaction(putAttempts: 6, takeAttempts: 2, putsCommitted: 5, takesCommitted: 0);
        return counter;
    }

    /// <summary>What the views render: the groups' values as their registry's meter reports them.</summary>
    private static IReadOnlyList<MeasuredGroup> Measure(params CounterGroup[] groups)
    {
        using var registry = new MetricsRegistry();
        foreach (var group in groups)
        {
            registry.Register(group);
        }

        return registry.Measure();
    }

    [Fact]
    public void Json_has_Flumes_shape_with_every_value_a_string()
    {
        var json = JsonDocument.Parse(MetricsFormat.Json(Measure(Channel("c1", 5), new SourceCounter("r1"))));

        var channel = json.RootElement.GetProperty("CHANNEL.c1");
        Assert.Equal("5", channel.GetProperty("ChannelSize").GetString());
        Assert.Equal("100", channel.GetProperty("ChannelCapacity").GetString());
        Assert.Equal("5.0", channel.GetProperty("ChannelFillPercentage").GetString());
        Assert.Equal("6", channel.GetProperty("EventPutAttemptCount").GetString());
        Assert.Equal("5", channel.GetProperty("EventPutSuccessCount").GetString());
        Assert.Equal("2", channel.GetProperty("EventTakeAttemptCount").GetString());
        Assert.Equal("0", channel.GetProperty("EventTakeSuccessCount").GetString());
        Assert.Equal("1344882209413", channel.GetProperty("StartTime").GetString());
        Assert.Equal("0", channel.GetProperty("StopTime").GetString());
        Assert.Equal("CHANNEL", channel.GetProperty("Type").GetString());
        Assert.Equal(10, channel.EnumerateObject().Count());

        var source = json.RootElement.GetProperty("SOURCE.r1");
        Assert.Equal("SOURCE", source.GetProperty("Type").GetString());
        Assert.All(source.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal(
            ["EventReceivedCount", "EventAcceptedCount", "AppendReceivedCount", "AppendAcceptedCount", "AppendBatchReceivedCount",
                "AppendBatchAcceptedCount", "OpenConnectionCount", "ChannelWriteFail", "EventReadFail",

                // The relay's connection limits, after Flume's counters: Flume's JSON readers skip keys they do not know.
                "ConnectionRefusedCount", "ConnectionTimedOutCount", "StartTime", "StopTime", "Type"],
            source.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Prometheus_text_names_families_by_type_with_help_type_and_a_component_label()
    {
        var text = MetricsFormat.Prometheus(Measure(Channel("c1", 5), Channel("c2", 7), new SinkCounter("k1")));

        Assert.Contains(
            "# HELP flume_channel_size Events held in the channel now.\n# TYPE flume_channel_size gauge\n" +
            "flume_channel_size{component=\"c1\"} 5\nflume_channel_size{component=\"c2\"} 7\n",
            text,
            StringComparison.Ordinal);
        Assert.Contains("# TYPE flume_channel_event_put_success_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("flume_channel_event_put_success_total{component=\"c1\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("flume_channel_fill_percentage{component=\"c2\"} 7\n", text, StringComparison.Ordinal);
        Assert.Contains("flume_channel_start_time_seconds{component=\"c1\"} 1344882209.413\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE flume_sink_event_write_fail_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE flume_sink_batch_complete_total counter\n", text, StringComparison.Ordinal);

        // Every family is announced exactly once, before its samples.
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var typed = lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        Assert.Equal(typed.Count, typed.Distinct().Count());
        Assert.All(
            lines.Where(l => !l.StartsWith('#')),
            sample => Assert.Contains(sample[..sample.IndexOf('{', StringComparison.Ordinal)], typed));
    }

    [Theory]
    [InlineData("CHANNEL", "ChannelSize", MetricKind.Gauge, "flume_channel_size")]
    [InlineData("CHANNEL", "ChannelCapacity", MetricKind.Gauge, "flume_channel_capacity")]
    [InlineData("CHANNEL", "EventTakeAttemptCount", MetricKind.Counter, "flume_channel_event_take_attempt_total")]
    [InlineData("SOURCE", "ChannelWriteFail", MetricKind.Counter, "flume_source_channel_write_fail_total")]
    [InlineData("SOURCE", "OpenConnectionCount", MetricKind.Gauge, "flume_source_open_connection_count")]
    [InlineData("SINK", "StopTime", MetricKind.Gauge, "flume_sink_stop_time_seconds")]
    public void Prometheus_names_follow_the_conventions(string type, string name, MetricKind kind, string expected) =>
        Assert.Equal(expected, MetricsFormat.PrometheusName(type, new Metric(name, kind, 0)));

    [Fact]
    public void Component_names_are_escaped_in_labels()
    {
        var text = MetricsFormat.Prometheus(Measure(new SinkCounter("we\"ird\\name")));

        Assert.Contains("{component=\"we\\\"ird\\\\name\"}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_custom_counter_group_is_reported_with_its_own_metrics()
    {
        using var registry = new MetricsRegistry();
        var custom = new CustomGroup();
        registry.Register(custom);
        registry.Register(custom);

        var json = Encoding.UTF8.GetString(MetricsFormat.Json(registry.Measure()));

        Assert.Equal("{\"OTHER.audit\":{\"AuditedCount\":\"42\",\"StartTime\":\"0\",\"StopTime\":\"0\",\"Type\":\"OTHER\"}}", json);
        Assert.Contains("flume_other_audited_total{component=\"audit\"} 42", MetricsFormat.Prometheus(registry.Measure()), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => registry.Register(new CustomGroup()));
    }

    private sealed class CustomGroup() : CounterGroup("audit", MetricsComponentType.Other)
    {
        protected override void CollectCounters(ICollection<Metric> metrics) =>
            metrics.Add(new Metric("AuditedCount", MetricKind.Counter, 42));
    }
}
