namespace Flume.Logging.Rpc.Transport;

/// <summary>Wraps a connection's network stream (for example in zlib streams) below the framing.</summary>
internal delegate Stream StreamWrapper(Stream network);
