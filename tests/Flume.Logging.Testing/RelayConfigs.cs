namespace Flume.Logging.Testing;

/// <summary>Pieces of relay configuration the real-process tests share.</summary>
public static class RelayConfigs
{
    /// <summary>
    /// Agent a1's components (source r1, channel c1, sink k1) and r1 as an avro source on 127.0.0.1:<paramref name="port"/>
    /// feeding c1; by default port 0, which the relay reports (<see cref="RelayProcess.ListeningPortAsync"/>).
    /// </summary>
    public static string AvroSource(int port = 0) => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = avro
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = {port}
        a1.sources.r1.channels = c1
        """;
}
