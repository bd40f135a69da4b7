using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Avro;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Avro;

/// <summary>
/// Serves Flume's AvroSourceProtocol on one connection, as Avro's Java NettyServer does: the handshake on the first
/// request only (until it succeeds), then call requests handed to the <see cref="IEventReceiver"/>.
/// </summary>
internal sealed partial class AvroConnectionHandler : IConnectionHandler
{
    // Other clients' protocols that passed the check; bounded so clients inventing hashes cannot grow it forever.
    private const int MaxKnownProtocols = 64;

    private readonly string _name;
    private readonly IEventReceiver _receiver;
    private readonly RpcLimits _limits;
    private readonly IConnectionObserver? _observer;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, bool> _knownProtocols = new(StringComparer.Ordinal);

    public AvroConnectionHandler(string name, IEventReceiver receiver, RpcLimits limits, IConnectionObserver? observer, ILogger logger)
    {
        _name = name;
        _receiver = receiver;
        _limits = limits;
        _observer = observer;
        _logger = logger;
        _knownProtocols[Convert.ToHexString(AvroSourceProtocol.Hash)] = true;
    }

    public async Task RunAsync(Connection connection, CancellationToken stopping)
    {
        var input = connection.Input;
        var response = new ArrayBufferWriter<byte>();
        var handshakeDone = false;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await input.ReadAsync(stopping);
            }
            catch (InvalidDataException e)
            {
                // Only a port with compression-type = deflate decompresses; before any answer, the usual cause is a client
                // that does not compress.
                var hint = handshakeDone ? "" : "; this source has compression-type = deflate, so its clients must set compression-type = deflate too";
                LogRejected(_name, connection.Peer, $"compressed stream is corrupt: {e.Message}{hint}");
                return;
            }

            var buffer = read.Buffer;
            var status = NettyFrame.TryRead(buffer, _limits.MaxBufferCount, _limits.MaxFrameLength, out var serial, out var frame, out var length, out var frameError);
            if (status == OperationStatus.InvalidData)
            {
                var foreign = handshakeDone ? "" : ForeignProtocol.Describe(buffer, "Flume's Avro RPC (NettyTransceiver frames)", RpcFamily.Avro);
                LogRejected(_name, connection.Peer, frameError! + foreign);
                return;
            }

            if (status == OperationStatus.NeedMoreData)
            {
                if (read.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        LogRejected(_name, connection.Peer, $"connection closed inside a frame ({buffer.Length} bytes unread)");
                    }

                    return;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            // The events borrow their bodies from the message when the receiver can keep them that way: no copy per
            // event, and the message stays out of the pool until the request is done (channels that keep its events
            // retained it). Otherwise the events get copies and the message goes back to the pool once decoded.
            var message = EventBuffer.Rent(length);
            var borrow = _receiver is IBorrowingEventReceiver { AcceptsBorrowedBodies: true };
            var held = true;
            try
            {
                NettyFrame.CopyMessage(frame, message.Memory.Span);
                input.AdvanceTo(frame.End);
                response.ResetWrittenCount();
                var decoded = Decode(message.Memory.Span, handshakeDone, response, borrow ? message : null);
                if (!borrow)
                {
                    message.Release();
                    held = false;
                }

                handshakeDone |= decoded.HandshakeDone;
                if (decoded.Error is not null)
                {
                    LogRejected(_name, connection.Peer, decoded.Error);
                    if (decoded.CanAnswer)
                    {
                        AvroCall.WriteError(response, decoded.Error);
                        await WriteAsync(connection, serial, response);
                    }

                    return;
                }

                if (decoded.Request is { } request)
                {
                    AvroCall.WriteResponse(response, await InvokeAsync(request, connection.Peer));
                }
            }
            finally
            {
                if (held)
                {
                    message.Release();
                }
            }

            await WriteAsync(connection, serial, response);
        }
    }

    private static async ValueTask WriteAsync(Connection connection, int serial, ArrayBufferWriter<byte> response)
    {
        NettyFrame.Write(connection.Output, serial, response.WrittenSpan);

        // Not the stopping token: a request already read is still answered while the server stops.
        await connection.Output.FlushAsync(CancellationToken.None);
    }

    private async ValueTask<EventStatus> InvokeAsync(AvroCallRequest request, string peer)
    {
        try
        {
            return request.Event is { } single
                ? await _receiver.AppendAsync(single, CancellationToken.None)
                : await _receiver.AppendBatchAsync(request.Events!, CancellationToken.None);
        }
#pragma warning disable CA1031 // Whatever the receiver throws, the client must get FAILED so it retries.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogReceiverFailed(_name, peer, request.MessageName, e);
            return EventStatus.Failed;
        }
    }

    private Decoded Decode(ReadOnlySpan<byte> message, bool handshakeDone, ArrayBufferWriter<byte> response, EventBuffer? borrowFrom)
    {
        var reader = new AvroReader(message);
        if (!handshakeDone)
        {
            var status = AvroHandshakeRequest.Read(ref reader, out var handshake);
            if (status != OperationStatus.Done)
            {
                return Decoded.Fail(Describe("handshake", status, reader.Error), canAnswer: false);
            }

            var clientKey = Convert.ToHexString(handshake!.ClientHash);
            if (!_knownProtocols.ContainsKey(clientKey))
            {
                if (handshake.ClientProtocol is null)
                {
                    new AvroHandshakeResponse(AvroHandshakeMatch.None, AvroSourceProtocol.Text, AvroSourceProtocol.Hash).Write(response);
                    return default;
                }

                if (!AvroProtocolCheck.IsCompatible(handshake.ClientProtocol, out var reason))
                {
                    new AvroHandshakeResponse(AvroHandshakeMatch.Client, AvroSourceProtocol.Text, AvroSourceProtocol.Hash).Write(response);
                    return Decoded.Fail($"incompatible client protocol: {reason}", canAnswer: true);
                }

                if (_knownProtocols.Count < MaxKnownProtocols)
                {
                    _knownProtocols.TryAdd(clientKey, true);
                }
            }

            var match = handshake.ServerHash.AsSpan().SequenceEqual(AvroSourceProtocol.Hash)
                ? new AvroHandshakeResponse(AvroHandshakeMatch.Both, null, null)
                : new AvroHandshakeResponse(AvroHandshakeMatch.Client, AvroSourceProtocol.Text, AvroSourceProtocol.Hash);
            match.Write(response);
        }

        var callStatus = AvroCall.ReadRequest(ref reader, _limits.MaxBatchSize, out var request, borrowFrom);
        if (callStatus != OperationStatus.Done)
        {
            return Decoded.Fail(Describe("call request", callStatus, reader.Error), canAnswer: true, handshakeDone: true);
        }

        return new Decoded(request, null, CanAnswer: true, HandshakeDone: true);
    }

    private static string Describe(string what, OperationStatus status, string? error) =>
        status == OperationStatus.NeedMoreData ? $"{what} ends before the frame does" : $"malformed {what}: {error}";

    private void LogRejected(string server, string peer, string reason)
    {
        LogRejectedCore(server, peer, reason);
        _observer?.InputRejected();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server}: closing connection from {Peer}: {Reason}")]
    private partial void LogRejectedCore(string server, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Server}: {Message} from {Peer} failed in the receiver; answering FAILED")]
    private partial void LogReceiverFailed(string server, string peer, string message, Exception exception);

    /// <summary>What one request asks for: a call to make, a handshake-only answer (default), or an error.</summary>
    private readonly record struct Decoded(AvroCallRequest? Request, string? Error, bool CanAnswer, bool HandshakeDone)
    {
        public static Decoded Fail(string error, bool canAnswer, bool handshakeDone = false) => new(null, error, canAnswer, handshakeDone);
    }
}
