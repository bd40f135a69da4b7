namespace Flume.Logging.Protocol.Avro;

/// <summary>Avro IPC's <c>HandshakeMatch</c>, in wire order.</summary>
internal enum AvroHandshakeMatch
{
    /// <summary>Both sides know each other's protocol.</summary>
    Both,

    /// <summary>The server knows the client's protocol; the client's idea of the server's is stale.</summary>
    Client,

    /// <summary>The server does not know the client's protocol: resend with <c>clientProtocol</c>.</summary>
    None,
}
