using System.Text;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// A configuration file as the relay reads it: the properties reader (escapes, continuations, separators), then the
/// agent's values substituted and its flow loaded. Config filters are left out: the external one runs a command.
/// A <see cref="ConfigurationException"/> is the expected answer to a broken file.
/// </summary>
internal sealed class PropertiesTarget : IFuzzTarget
{
    public string Name => "properties";

    public void Run(byte[] input)
    {
        try
        {
            using var reader = new StreamReader(new MemoryStream(input), Encoding.UTF8);
            var entries = PropertiesReader.Read(reader, "fuzz.properties");
            var agents = FlumeConfiguration.AgentNames(entries);
            if (agents.Count == 0)
            {
                return;
            }

            var substituted = ValueSubstitution.Apply(entries, agents[0], _ => null, _ => null);
            new AgentLoader(agents[0], substituted).Load();
        }
        catch (ConfigurationException)
        {
            // A clear error naming the key: what a broken file must get.
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        string[] files =
        [
            """
            a1.sources = r1
            a1.channels = c1
            a1.sinks = k1
            a1.sources.r1.type = avro
            a1.sources.r1.bind = 127.0.0.1
            a1.sources.r1.port = 41414
            a1.sources.r1.channels = c1
            a1.sources.r1.interceptors = i1
            a1.sources.r1.interceptors.i1.type = timestamp
            a1.channels.c1.type = memory
            a1.channels.c1.capacity = ${env:CAPACITY:-1000}
            a1.sinks.k1.type = logger
            a1.sinks.k1.channel = c1
            """,
            "a1.sinks = k1 k2\na1.sinkgroups = g1\na1.sinkgroups.g1.sinks = k1 k2\na1.sinkgroups.g1.processor.type = failover\n"
                + "a1.sinkgroups.g1.processor.priority.k1 = 5\n",
            "# comment\n! also comment\nkey\\ with\\ spaces : value \\\n    continued\\u0041\\t\\n\nempty=\n  a1.x=${a1.y}\na1.y=${a1.x}\n",
            "a1.sources.r1.selector.type = multiplexing\na1.sources.r1.selector.header = state\na1.sources.r1.selector.mapping.CZ = c1\n\\\r\n",
        ];
        foreach (var file in files)
        {
            yield return Encoding.UTF8.GetBytes(file);
        }
    }
}
