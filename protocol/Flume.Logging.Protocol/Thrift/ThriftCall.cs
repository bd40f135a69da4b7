namespace Flume.Logging.Protocol.Thrift;

/// <summary>A decoded ThriftSourceProtocol call.</summary>
/// <param name="Method">Which function was called.</param>
/// <param name="SeqId">Sequence id to echo in the reply.</param>
/// <param name="NameStart">Offset of the method name in the frame (to echo an unknown name without copying it).</param>
/// <param name="NameLength">Length of the method name in bytes.</param>
/// <param name="Event">The event of an <c>append</c> call.</param>
/// <param name="Events">The events of an <c>appendBatch</c> call.</param>
internal readonly record struct ThriftCall(ThriftMethod Method, int SeqId, int NameStart, int NameLength, FlumeEvent? Event, IReadOnlyList<FlumeEvent>? Events);
