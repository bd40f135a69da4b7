using System.Buffers;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Thrift;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Thrift;

/// <summary>
/// Serves ThriftSourceProtocol over framed Thrift on one connection, one request at a time: decodes each frame,
/// hands the events to the receiver and answers its status. Protocol errors close the connection with a warning
/// naming the peer; an unknown function is answered with TApplicationException and the connection kept, as a
/// Thrift server does.
/// </summary>
internal sealed partial class ThriftConnectionHandler : IConnectionHandler
{
    private readonly string _name;
    private readonly ThriftWireProtocol _protocol;
    private readonly RpcLimits _limits;
    private readonly IEventReceiver _receiver;
    private readonly IConnectionObserver? _observer;
    private readonly ILogger _logger;

    public ThriftConnectionHandler(string name, ThriftWireProtocol protocol, RpcLimits limits, IEventReceiver receiver, IConnectionObserver? observer, ILogger logger)
    {
        _observer = observer;
        _name = name;
        _protocol = protocol;
        _limits = limits;
        _receiver = receiver;
        _logger = logger;
    }

    public async Task RunAsync(Connection connection, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var input = connection.Input;
        var message = new ArrayBufferWriter<byte>(256);
        var served = false;
        while (true)
        {
            var result = await input.ReadAsync(stopping);
            var buffer = result.Buffer;
            while (true)
            {
                var status = ThriftFraming.TryReadFrame(buffer, _limits.MaxFrameLength, out var frame, out var error);
                if (status == OperationStatus.NeedMoreData)
                {
                    break;
                }

                if (status == OperationStatus.InvalidData)
                {
                    var foreign = served ? "" : ForeignProtocol.Describe(buffer, "Flume's Thrift RPC (framed transport)", RpcFamily.Thrift);
                    input.AdvanceTo(buffer.Start);
                    LogClosingConnection(_name, connection.Peer, error + foreign);
                    return;
                }

                // The frame stays valid until AdvanceTo, so the receiver's await may keep it in view.
                if (!await ServeFrameAsync(connection, frame, message))
                {
                    input.AdvanceTo(buffer.Start);
                    return;
                }

                served = true;

                buffer = buffer.Slice(frame.End);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    LogClosingConnection(_name, connection.Peer, $"connection closed inside a frame, {buffer.Length} bytes unread");
                }

                return;
            }
        }
    }

    private async Task<bool> ServeFrameAsync(Connection connection, ReadOnlySequence<byte> frame, ArrayBufferWriter<byte> message)
    {
        // When the receiver can keep them that way, the events borrow their bodies from a pooled copy of the frame
        // (one copy per request instead of one per event), held until the receiver is done with the request.
        var borrowed = _receiver is IBorrowingEventReceiver { AcceptsBorrowedBodies: true } ? EventBuffer.Rent((int)frame.Length) : null;
        try
        {
            return await ServeFrameAsync(connection, frame, message, borrowed);
        }
        finally
        {
            borrowed?.Release();
        }
    }

    private async Task<bool> ServeFrameAsync(Connection connection, ReadOnlySequence<byte> frame, ArrayBufferWriter<byte> message, EventBuffer? borrowed)
    {
        message.ResetWrittenCount();
        if (!Decode(connection.Peer, frame, message, borrowed, out var call))
        {
            return false;
        }

        if (call.Method != ThriftMethod.Unknown)
        {
            EventStatus status;
            try
            {
                status = call.Method == ThriftMethod.Append
                    ? await _receiver.AppendAsync(call.Event!, CancellationToken.None)
                    : await _receiver.AppendBatchAsync(call.Events!, CancellationToken.None);
            }
#pragma warning disable CA1031 // Any receiver failure is answered FAILED, as Flume's ThriftSource does, and the connection kept.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogReceiverFailed(_name, connection.Peer, e);
                status = EventStatus.Failed;
            }

            var name = call.Method == ThriftMethod.Append ? ThriftMessageCodec.AppendName : ThriftMessageCodec.AppendBatchName;
            ThriftMessageCodec.WriteReply(_protocol, message, name, call.SeqId, status);
        }

        // Answers go out even while the server stops: the request was read, so it is answered.
        ThriftFraming.WriteFrame(connection.Output, message.WrittenSpan);
        await connection.Output.FlushAsync(CancellationToken.None);
        return true;
    }

    /// <summary>Decodes a call; for an unknown function writes the TApplicationException answer into <paramref name="message"/>.</summary>
    private bool Decode(string peer, in ReadOnlySequence<byte> frame, ArrayBufferWriter<byte> message, EventBuffer? borrowed, out ThriftCall call)
    {
        if (borrowed is null)
        {
            using var bytes = new ThriftFrameSpan(frame);
            return Decode(peer, bytes.Span, message, null, out call);
        }

        frame.CopyTo(borrowed.Memory.Span);
        return Decode(peer, borrowed.Memory.Span, message, borrowed, out call);
    }

    private bool Decode(string peer, ReadOnlySpan<byte> bytes, ArrayBufferWriter<byte> message, EventBuffer? borrowed, out ThriftCall call)
    {
        var status = ThriftMessageCodec.DecodeCall(_protocol, bytes, _limits.MaxBatchSize, out call, out var error, borrowed);
        if (status != OperationStatus.Done)
        {
            LogClosingConnection(_name, peer, error + ProtocolMismatch(bytes));
            return false;
        }

        if (call.Method == ThriftMethod.Unknown)
        {
            var name = bytes.Slice(call.NameStart, call.NameLength);
            var text = "Unknown function " + Encoding.UTF8.GetString(name);
            LogUnknownMethod(_name, peer, text);
            ThriftMessageCodec.WriteApplicationException(_protocol, message, name, call.SeqId, text, ThriftApplicationErrorType.UnknownMethod);
        }

        return true;
    }

    /// <summary>
    /// Names the other Thrift protocol when the message that failed to decode starts with its header, the usual cause
    /// being a source and client configured with different protocols.
    /// </summary>
    private string ProtocolMismatch(ReadOnlySpan<byte> message) =>
        ThriftMessageCodec.ProtocolOf(message) is { } spoken && spoken != _protocol
            ? $"; the message is in Thrift's {Name(spoken)} protocol while this source expects {Name(_protocol)}: set the same protocol on the source and its clients"
            : "";

    private static string Name(ThriftWireProtocol protocol) => protocol == ThriftWireProtocol.Compact ? "compact" : "binary";

    private void LogClosingConnection(string server, string peer, string reason)
    {
        LogClosingConnectionCore(server, peer, reason);
        _observer?.InputRejected();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server}: closing connection from {Peer}: {Reason}")]
    private partial void LogClosingConnectionCore(string server, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server}: {Peer} called an unknown method, answered UNKNOWN_METHOD: {Text}")]
    private partial void LogUnknownMethod(string server, string peer, string text);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Server}: receiver failed on a request from {Peer}; answered FAILED")]
    private partial void LogReceiverFailed(string server, string peer, Exception exception);
}
