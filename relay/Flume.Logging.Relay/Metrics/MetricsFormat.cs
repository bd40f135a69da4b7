using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Flume.Logging.Relay.Metrics;

/// <summary>Renders counter groups as Flume's JSON report and as Prometheus text exposition format 0.0.4.</summary>
internal static class MetricsFormat
{
    /// <summary>The content type of <see cref="Prometheus"/>.</summary>
    public const string PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly Dictionary<string, string> Help = new(StringComparer.Ordinal)
    {
        ["EventReceivedCount"] = "Events that arrived at the source.",
        ["EventAcceptedCount"] = "Events the source committed to its channels.",
        ["AppendReceivedCount"] = "Single-event append requests that arrived.",
        ["AppendAcceptedCount"] = "Single-event append requests answered OK.",
        ["AppendBatchReceivedCount"] = "appendBatch requests that arrived.",
        ["AppendBatchAcceptedCount"] = "appendBatch requests answered OK.",
        ["OpenConnectionCount"] = "Client connections open now.",
        ["ChannelWriteFail"] = "Batches a channel refused.",
        ["EventReadFail"] = "Inputs that could not be read (bad frames, over-long lines).",
        ["ChannelSize"] = "Events held in the channel now.",
        ["ChannelCapacity"] = "Most events the channel holds.",
        ["ChannelFillPercentage"] = "Channel size as a percentage of its capacity.",
        ["EventPutAttemptCount"] = "Put calls on the channel.",
        ["EventPutSuccessCount"] = "Events put in committed transactions.",
        ["EventTakeAttemptCount"] = "Take calls on the channel, including those that found it empty.",
        ["EventTakeSuccessCount"] = "Events taken in committed transactions.",
        ["BatchCompleteCount"] = "Full batches delivered.",
        ["BatchEmptyCount"] = "Sink steps that found the channel empty.",
        ["BatchUnderflowCount"] = "Partial, non-empty batches delivered.",
        ["ConnectionCreatedCount"] = "Connections to the next hop established.",
        ["ConnectionClosedCount"] = "Connections to the next hop closed.",
        ["ConnectionFailedCount"] = "Attempts to reach the next hop that failed.",
        ["EventDrainAttemptCount"] = "Events taken from the channel to deliver.",
        ["EventDrainSuccessCount"] = "Events delivered and committed.",
        ["EventWriteFail"] = "Events in batches whose delivery failed.",
        ["StartTime"] = "When the component started, in seconds since the Unix epoch; 0 before.",
        ["StopTime"] = "When the component stopped, in seconds since the Unix epoch; 0 while it runs.",
    };

    /// <summary>
    /// Flume's JSON shape: <c>{"CHANNEL.c1": {"ChannelSize": "5", ..., "Type": "CHANNEL"}, ...}</c>, every value a string.
    /// </summary>
    public static byte[] Json(IReadOnlyList<CounterGroup> groups)
    {
        var output = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(output))
        {
            var metrics = new List<Metric>();
            json.WriteStartObject();
            foreach (var group in groups)
            {
                metrics.Clear();
                group.Collect(metrics);
                json.WriteStartObject(MetricsRegistry.KeyOf(group));
                foreach (var metric in metrics)
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
    public static string Prometheus(IReadOnlyList<CounterGroup> groups)
    {
        var families = new SortedDictionary<string, Family>(StringComparer.Ordinal);
        var metrics = new List<Metric>();
        foreach (var group in groups)
        {
            metrics.Clear();
            group.Collect(metrics);
            foreach (var metric in metrics)
            {
                var name = PrometheusName(group.TypeName, metric);
                if (!families.TryGetValue(name, out var family))
                {
                    family = new Family(Help.GetValueOrDefault(metric.Name, $"Flume metric {metric.Name}."), metric.Kind, []);
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
        var snake = SnakeCase(metric.Name);
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

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
            {
                text.Append('_');
            }

            text.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }

        return text.ToString();
    }

    private static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private sealed record Family(string Help, MetricKind Kind, List<(string Component, string Value)> Samples);
}
