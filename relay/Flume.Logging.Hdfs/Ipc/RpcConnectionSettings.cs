using Google.Protobuf;

namespace Flume.Logging.Hdfs.Ipc;

/// <summary>What every connection of one client sends in its context and call headers.</summary>
/// <param name="ClientId">The client's 16-byte UUID, with the call id the key of the server's retry cache.</param>
/// <param name="EffectiveUser">The user calls run as.</param>
/// <param name="RealUser">The authenticated user when impersonating <paramref name="EffectiveUser"/>, else null.</param>
/// <param name="ProtocolName">The Java interface the connection speaks, e.g. <c>org.apache.hadoop.hdfs.protocol.ClientProtocol</c>.</param>
/// <param name="ProtocolVersion">That interface's version.</param>
internal sealed record RpcConnectionSettings(ByteString ClientId, string EffectiveUser, string? RealUser, string ProtocolName, ulong ProtocolVersion);
