using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Thrift;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Thrift;

/// <summary>
/// Flume's ThriftRpcClient for one host: framed Thrift, one request at a time, reconnecting lazily after any
/// failure and, when configured, after the reset-connection interval.
/// </summary>
internal sealed partial class ThriftRpcClient : SingleHostRpcClient
{
    // A message buffer grown past this by a large batch is dropped after use rather than kept for the client's life.
    private const int RetainedBufferCapacity = 1024 * 1024;

    private readonly ThriftWireProtocol _protocol;
    private readonly ILogger _logger;
    private ArrayBufferWriter<byte> _message = new(1024);
    private int _seqId;

    public ThriftRpcClient(RpcHost host, RpcClientOptions options, ILogger logger, TimeProvider timeProvider)
        : base(host, options, timeProvider, wrapStream: null, $"thrift {host.Host}:{host.Port}")
    {
        _protocol = ThriftRpc.ToWire(options.ThriftProtocol);
        _logger = logger;
    }

    protected override bool HoldsGateAcrossBatch => true;

    protected override bool ReportsUseAfterDisposeAsDeliveryFailure => true;

    protected override bool OpensSessionWithinConnectTimeout => false;

    protected override bool ClosesIdleConnectionGracefully => false;

    protected override void OnConnected() => LogConnected(Target);

    protected override void OnResettingConnection(TimeSpan interval) => LogResettingConnection(Target, interval.TotalSeconds);

    protected override string DescribeTimeout(bool opening, TimeSpan timeout, bool single) =>
        $"{Method(single)} got no answer within the request timeout of {timeout.TotalMilliseconds:0} ms";

    protected override string DescribeConnectionFailure(Exception exception, bool single) => $"{Method(single)} failed: {exception.Message}";

    protected override string DescribeStatus(EventStatus status, bool single) => $"{Method(single)} answered status {status}";

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    protected override async ValueTask<EventStatus> ExchangeAsync(
        Connection connection, FlumeEvent? single, IReadOnlyList<FlumeEvent>? batch, int start, int count, CancellationToken cancellationToken)
    {
        var seqId = unchecked(++_seqId);

        // The length prefix goes in front of the message in the same buffer, filled in once the message is encoded,
        // so that the whole frame is one write.
        _message.ResetWrittenCount();
        _message.GetSpan(ThriftFraming.HeaderLength);
        _message.Advance(ThriftFraming.HeaderLength);
        if (single is not null)
        {
            ThriftMessageCodec.WriteAppendCall(_protocol, _message, seqId, single);
        }
        else
        {
            ThriftMessageCodec.WriteAppendBatchCall(_protocol, _message, seqId, batch!, start, count);
        }

        ThriftReply reply;
        try
        {
            var frame = MemoryMarshal.AsMemory(_message.WrittenMemory);
            ThriftFraming.WriteHeader(frame.Span, frame.Length - ThriftFraming.HeaderLength);
            await connection.SendAsync(frame, cancellationToken);
            reply = await ReadReplyAsync(connection, single is not null, seqId, cancellationToken);
        }
        finally
        {
            if (_message.Capacity > RetainedBufferCapacity)
            {
                _message = new ArrayBufferWriter<byte>(1024);
            }
        }

        if (reply.IsException)
        {
            throw new EventDeliveryException(
                $"{Target}: {Method(single is not null)} answered TApplicationException {ThriftApplicationErrorType.Name(reply.ExceptionType)}: {reply.ExceptionMessage}");
        }

        return reply.Status;
    }

    private static string Method(bool single) => single ? "append" : "appendBatch";

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ThriftReply> ReadReplyAsync(Connection connection, bool single, int seqId, CancellationToken cancellationToken)
    {
        var input = connection.Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var status = ThriftFraming.TryReadFrame(buffer, Options.Limits.MaxFrameLength, out var frame, out var error);
            if (status == OperationStatus.Done)
            {
                var decoded = DecodeReply(frame, single, seqId, out var reply, out error);
                input.AdvanceTo(frame.End);
                return decoded == OperationStatus.Done
                    ? reply
                    : throw new EventDeliveryException($"{Target}: unreadable reply: {error}");
            }

            if (status == OperationStatus.InvalidData)
            {
                input.AdvanceTo(buffer.Start);
                throw new EventDeliveryException($"{Target}: unreadable reply: {error}");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new EventDeliveryException($"{Target}: connection closed by the server before it answered");
            }
        }
    }

    private OperationStatus DecodeReply(in ReadOnlySequence<byte> frame, bool single, int seqId, out ThriftReply reply, out ThriftDecodeError error)
    {
        using var bytes = new ThriftFrameSpan(frame);
        var name = single ? ThriftMessageCodec.AppendName : ThriftMessageCodec.AppendBatchName;
        return ThriftMessageCodec.DecodeReply(_protocol, bytes.Span, name, seqId, out reply, out error);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Target}: connected")]
    private partial void LogConnected(string target);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Target}: reconnecting after the reset-connection interval of {Seconds} s")]
    private partial void LogResettingConnection(string target, double seconds);
}
