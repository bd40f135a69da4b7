using System.Text;

namespace Flume.Logging.Relay.Metrics;

/// <summary>
/// The instrument behind each of Flume's attributes: OpenTelemetry-style names (<c>flume.&lt;type&gt;.&lt;noun&gt;.&lt;verb&gt;</c>)
/// and units. <c>StartTime</c> and <c>StopTime</c> are one instrument each for every type, told apart by the
/// <see cref="MetricsRegistry.ComponentTypeTag"/> tag; an attribute this table does not know (a custom group's) gets
/// <c>flume.&lt;type&gt;.&lt;snake_case attribute&gt;</c>, an observable counter or gauge as its <see cref="Metric.Kind"/> says.
/// </summary>
internal static class MetricInstruments
{
    private static readonly Dictionary<(MetricsComponentType Type, string Attribute), InstrumentSpec> Known = Build();

    /// <summary>The instrument of <paramref name="metric"/> when a group of type <paramref name="type"/> reports it.</summary>
    public static InstrumentSpec For(MetricsComponentType type, Metric metric)
    {
        if (Known.TryGetValue((type, metric.Name), out var known) && known.Integral == metric.Integral)
        {
            return known;
        }

        var kind = metric.Kind == MetricKind.Counter ? InstrumentKind.Counter : InstrumentKind.Gauge;
        return new InstrumentSpec(
            "flume." + TypeTag(type) + "." + SnakeCase(metric.Name), metric.Name, kind, null, $"Flume metric {metric.Name}.", metric.Integral);
    }

    /// <summary>The value of the <see cref="MetricsRegistry.ComponentTypeTag"/> tag: <c>source</c>, <c>channel</c>, <c>sink</c> or <c>other</c>.</summary>
    public static string TypeTag(MetricsComponentType type) => type switch
    {
        MetricsComponentType.Source => "source",
        MetricsComponentType.Channel => "channel",
        MetricsComponentType.Sink => "sink",
        _ => "other",
    };

    /// <summary><c>EventReadFail</c> becomes <c>event_read_fail</c>.</summary>
    internal static string SnakeCase(string name)
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

    private static Dictionary<(MetricsComponentType, string), InstrumentSpec> Build()
    {
        const string Event = "{event}", Request = "{request}", Connection = "{connection}", Batch = "{batch}";
        var table = new Dictionary<(MetricsComponentType, string), InstrumentSpec>();
        void Add(MetricsComponentType type, string attribute, string name, InstrumentKind kind, string unit, string description, bool integral = true) =>
            table[(type, attribute)] = new InstrumentSpec(name, attribute, kind, unit, description, integral);

        const MetricsComponentType Source = MetricsComponentType.Source;
        Add(Source, "EventReceivedCount", "flume.source.events.received", InstrumentKind.Counter, Event, "Events that arrived at the source.");
        Add(Source, "EventAcceptedCount", "flume.source.events.accepted", InstrumentKind.Counter, Event, "Events the source committed to its channels.");
        Add(Source, "AppendReceivedCount", "flume.source.appends.received", InstrumentKind.Counter, Request, "Single-event append requests that arrived.");
        Add(Source, "AppendAcceptedCount", "flume.source.appends.accepted", InstrumentKind.Counter, Request, "Single-event append requests answered OK.");
        Add(Source, "AppendBatchReceivedCount", "flume.source.append_batches.received", InstrumentKind.Counter, Request, "appendBatch requests that arrived.");
        Add(Source, "AppendBatchAcceptedCount", "flume.source.append_batches.accepted", InstrumentKind.Counter, Request, "appendBatch requests answered OK.");
        Add(Source, "OpenConnectionCount", "flume.source.connections.open", InstrumentKind.UpDownCounter, Connection, "Client connections open now.");
        Add(Source, "ChannelWriteFail", "flume.source.channel_writes.failed", InstrumentKind.Counter, Batch, "Batches a channel refused.");
        Add(Source, "EventReadFail", "flume.source.events.read_failed", InstrumentKind.Counter, Event, "Inputs that could not be read (bad frames, over-long lines).");
        Add(Source, "ConnectionRefusedCount", "flume.source.connections.refused", InstrumentKind.Counter, Connection, "Connections closed at accept because max-connections were open.");
        Add(Source, "ConnectionTimedOutCount", "flume.source.connections.timed_out", InstrumentKind.Counter, Connection, "Connections closed for idle-timeout or min-data-rate.");

        const MetricsComponentType Channel = MetricsComponentType.Channel;
        Add(Channel, "ChannelSize", "flume.channel.size", InstrumentKind.UpDownCounter, Event, "Events held in the channel now.");
        Add(Channel, "ChannelCapacity", "flume.channel.capacity", InstrumentKind.UpDownCounter, Event, "Most events the channel holds.");
        Add(Channel, "ChannelFillPercentage", "flume.channel.fill_percentage", InstrumentKind.Gauge, "%", "Channel size as a percentage of its capacity.", integral: false);
        Add(Channel, "EventPutAttemptCount", "flume.channel.puts.attempted", InstrumentKind.Counter, Event, "Put calls on the channel.");
        Add(Channel, "EventPutSuccessCount", "flume.channel.puts.committed", InstrumentKind.Counter, Event, "Events put in committed transactions.");
        Add(Channel, "EventTakeAttemptCount", "flume.channel.takes.attempted", InstrumentKind.Counter, Event, "Take calls on the channel, including those that found it empty.");
        Add(Channel, "EventTakeSuccessCount", "flume.channel.takes.committed", InstrumentKind.Counter, Event, "Events taken in committed transactions.");

        const MetricsComponentType Sink = MetricsComponentType.Sink;
        Add(Sink, "BatchCompleteCount", "flume.sink.batches.complete", InstrumentKind.Counter, Batch, "Full batches delivered.");
        Add(Sink, "BatchEmptyCount", "flume.sink.batches.empty", InstrumentKind.Counter, Batch, "Sink steps that found the channel empty.");
        Add(Sink, "BatchUnderflowCount", "flume.sink.batches.underflow", InstrumentKind.Counter, Batch, "Partial, non-empty batches delivered.");
        Add(Sink, "ConnectionCreatedCount", "flume.sink.connections.created", InstrumentKind.Counter, Connection, "Connections to the next hop established.");
        Add(Sink, "ConnectionClosedCount", "flume.sink.connections.closed", InstrumentKind.Counter, Connection, "Connections to the next hop closed.");
        Add(Sink, "ConnectionFailedCount", "flume.sink.connections.failed", InstrumentKind.Counter, Connection, "Attempts to reach the next hop that failed.");
        Add(Sink, "EventDrainAttemptCount", "flume.sink.events.drain_attempted", InstrumentKind.Counter, Event, "Events taken from the channel to deliver.");
        Add(Sink, "EventDrainSuccessCount", "flume.sink.events.drained", InstrumentKind.Counter, Event, "Events delivered and committed.");
        Add(Sink, "EventWriteFail", "flume.sink.events.write_failed", InstrumentKind.Counter, Event, "Events in batches whose delivery failed.");
        Add(Sink, "EventDropCount", "flume.sink.events.dropped", InstrumentKind.Counter, Event, "Events set aside undelivered because no retry could deliver them.");

        // Timestamps, not durations: milliseconds since the Unix epoch, exactly Flume's JSON values.
        foreach (var type in Enum.GetValues<MetricsComponentType>())
        {
            Add(type, "StartTime", "flume.component.start_time", InstrumentKind.Gauge, "ms", "When the component started, since the Unix epoch; 0 before.");
            Add(type, "StopTime", "flume.component.stop_time", InstrumentKind.Gauge, "ms", "When the component stopped, since the Unix epoch; 0 while it runs.");
        }

        return table;
    }
}
