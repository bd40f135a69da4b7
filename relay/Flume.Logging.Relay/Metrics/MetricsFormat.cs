using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Flume.Logging.Relay.Metrics;

/// <summary>
/// Renders what the agent's meter reported (<see cref="MetricsRegistry.Measure"/>) as Flume's JSON report and as
/// Prometheus text exposition format 0.0.4: two views of the same instruments, never of the counters directly.
/// </summary>
internal static class MetricsFormat
{
    /// <summary>The content type of <see cref="Prometheus"/>.</summary>
    public const string PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// Flume's JSON shape: <c>{"CHANNEL.c1": {"ChannelSize": "5", ..., "Type": "CHANNEL"}, ...}</c>, every value a string.
    /// </summary>
    public static byte[] Json(IReadOnlyList<MeasuredGroup> groups)
    {
        var output = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            foreach (var group in groups)
            {
                json.WriteStartObject(group.Key);
                foreach (var (metric, _) in group.Metrics)
                {
                    json.WriteString(metric.Name, JsonValue(metric));
                }

                json.WriteString("Type", group.TypeName);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Prometheus text format: one family per metric and component type (e.g. <c>flume_channel_size</c>,
    /// <c>flume_channel_event_put_success_total</c>), each with <c># HELP</c> and <c># TYPE</c>, one sample per
    /// component labelled <c>component="c1"</c>. Times are in seconds, as Prometheus expects.
    /// </summary>
    public static string Prometheus(IReadOnlyList<MeasuredGroup> groups)
    {
        var families = new SortedDictionary<string, Family>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            foreach (var (metric, instrument) in group.Metrics)
            {
                var name = PrometheusName(group.TypeName, metric);
                if (!families.TryGetValue(name, out var family))
                {
                    family = new Family(instrument.Description, metric.Kind, []);
                    families[name] = family;
                }

                family.Samples.Add((group.Name, PrometheusValue(metric)));
            }
        }

        var text = new StringBuilder();
        foreach (var (name, family) in families)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(family.Help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(family.Kind == MetricKind.Counter ? "counter" : "gauge").Append('\n');
            foreach (var (component, value) in family.Samples)
            {
                text.Append(name).Append("{component=\"").Append(EscapeLabel(component)).Append("\"} ").Append(value).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// <c>flume_&lt;type&gt;_&lt;snake_case name&gt;</c>, without repeating the type (<c>ChannelSize</c> of a channel is
    /// <c>flume_channel_size</c>); counters end in <c>_total</c> instead of <c>_count</c>, times in <c>_seconds</c>.
    /// </summary>
    internal static string PrometheusName(string typeName, Metric metric)
    {
        var type = typeName.ToLowerInvariant();
        var snake = MetricInstruments.SnakeCase(metric.Name);
        if (snake.StartsWith(type + "_", StringComparison.Ordinal))
        {
            snake = snake[(type.Length + 1)..];
        }

        if (IsTime(metric))
        {
            snake += "_seconds";
        }
        else if (metric.Kind == MetricKind.Counter)
        {
            snake = (snake.EndsWith("_count", StringComparison.Ordinal) ? snake[..^"_count".Length] : snake) + "_total";
        }

        return "flume_" + type + "_" + snake;
    }

    private static bool IsTime(Metric metric) => metric.Name is "StartTime" or "StopTime";

    private static string JsonValue(Metric metric)
    {
        if (metric.Integral)
        {
            return ((long)metric.Value).ToString(CultureInfo.InvariantCulture);
        }

        // As Java's Double.toString prints it, which is what Flume reports: 5.0, not 5.
        var text = metric.Value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) || !double.IsFinite(metric.Value)
            ? text
            : text + ".0";
    }

    private static string PrometheusValue(Metric metric)
    {
        if (IsTime(metric))
        {
            return (metric.Value / 1000).ToString("0.###", CultureInfo.InvariantCulture);
        }

        return metric.Integral
            ? ((long)metric.Value).ToString(CultureInfo.InvariantCulture)
            : metric.Value.ToString("R", CultureInfo.InvariantCulture);
    }

    private static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private sealed record Family(string Help, MetricKind Kind, List<(string Component, string Value)> Samples);
}
