using System.Text;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Metrics;

namespace Flume.Logging.Relay.Cli;

/// <summary>
/// The resolved flow of a checked agent, one line per component, as <c>relay --check</c> prints it:
/// <code>
/// agent a1
///   source r1 (avro 127.0.0.1:41414) -> selector replicating -> channels c1
///   channel c1 (memory, capacity 10000)
///   sink k1 (logger) &lt;- channel c1
///   sinkgroup g1 (failover) sinks k1 k2
/// </code>
/// </summary>
internal static class FlowGraph
{
    public static string Describe(AgentConfiguration configuration, RelayAgent agent)
    {
        var text = new StringBuilder();
        text.Append("agent ").Append(configuration.Name).Append('\n');
        foreach (var source in configuration.Sources)
        {
            text.Append("  source ").Append(source.Name).Append(" (").Append(source.Type).Append(Where(source.Context)).Append(')');
            if (source.Interceptors.Count > 0)
            {
                text.Append(" -> interceptors ").AppendJoin(' ', source.Interceptors);
            }

            text.Append(" -> selector ").Append(source.Selector.GetString("type", "replicating").Trim());
            if (source.Selector.GetString("optional") is { } optional && optional.Trim().Length > 0)
            {
                text.Append(" (optional ").Append(optional.Trim()).Append(')');
            }

            text.Append(" -> channels ").AppendJoin(' ', source.Channels).Append('\n');
        }

        foreach (var channel in configuration.Channels)
        {
            text.Append("  channel ").Append(channel.Name).Append(" (").Append(channel.Type);
            if (CapacityOf(agent, channel.Name) is { } capacity)
            {
                text.Append(", capacity ").Append(capacity);
            }

            text.Append(")\n");
        }

        foreach (var sink in configuration.Sinks)
        {
            text.Append("  sink ").Append(sink.Name).Append(" (").Append(sink.Type).Append(Where(sink.Context))
                .Append(") <- channel ").Append(sink.Channel).Append('\n');
        }

        foreach (var group in configuration.SinkGroups)
        {
            text.Append("  sinkgroup ").Append(group.Name).Append(" (").Append(group.Processor.GetString("type", "default").Trim())
                .Append(") sinks ").AppendJoin(' ', group.Sinks).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Where a component reads or writes, when its properties say: an address or a folder.</summary>
    private static string Where(ComponentContext properties)
    {
        string? Value(string key) => properties.GetString(key)?.Trim() is { Length: > 0 } value ? value : null;

        // Network sources name their address bind (avro, netcat), host (syslog) or hostname (sinks); the multiport
        // syslog source listens on several ports.
        if ((Value("port") ?? Value("ports")) is { } port)
        {
            var ports = string.Join(',', port.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
            return $" {Value("bind") ?? Value("host") ?? Value("hostname") ?? "0.0.0.0"}:{ports}";
        }

        return (Value("spoolDir") ?? Value("sink.directory")) is { } folder ? " " + folder : "";
    }

    private static long? CapacityOf(RelayAgent agent, string channel)
    {
        foreach (var candidate in agent.Channels)
        {
            // A channel without a fixed capacity (Kafka's, whose topic is the buffer) reports 0, as in Flume's metrics.
            if (candidate.Name == channel && candidate is IMonitoredComponent { Counters: ChannelCounter { ChannelCapacity: > 0 } counter })
            {
                return counter.ChannelCapacity;
            }
        }

        return null;
    }
}
