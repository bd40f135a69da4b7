namespace Flume.Logging.Appenders;

/// <summary>The wire protocol the appender speaks to the relays' source.</summary>
public enum FlumeProtocol
{
    /// <summary>Avro IPC, for an <c>avro</c> source.</summary>
    Avro,

    /// <summary>Framed compact Thrift, for a <c>thrift</c> source.</summary>
    Thrift,
}
