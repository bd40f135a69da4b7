namespace Flume.Logging.Protocol.Thrift;

/// <summary>A decoded answer to an <c>append</c> or <c>appendBatch</c> call.</summary>
/// <param name="IsException">True when the server answered with a TApplicationException instead of a status.</param>
/// <param name="Status">The status of a normal reply.</param>
/// <param name="ExceptionMessage">The TApplicationException's message, if it had one.</param>
/// <param name="ExceptionType">The TApplicationException's type code (see <see cref="ThriftApplicationErrorType"/>).</param>
internal readonly record struct ThriftReply(bool IsException, EventStatus Status, string? ExceptionMessage, int ExceptionType);
