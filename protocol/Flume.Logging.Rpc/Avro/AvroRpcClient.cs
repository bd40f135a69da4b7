using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Avro;
using Flume.Logging.Rpc.Compression;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Avro;

/// <summary>
/// Flume's NettyAvroRpcClient for one host: one connection, opened on first use and handshaken on its first request,
/// one request at a time. Any failure drops the connection so the next call starts afresh.
/// </summary>
internal sealed partial class AvroRpcClient : SingleHostRpcClient
{
    private readonly ILogger _logger;
    private readonly ArrayBufferWriter<byte> _request = new();
    private bool _handshakeDone;
    private bool _sendProtocol;
    private byte[] _serverHash = AvroSourceProtocol.Hash;
    private int _serial;

    public AvroRpcClient(RpcHost host, RpcClientOptions options, ILogger logger, TimeProvider timeProvider)
        : base(
            host,
            options,
            timeProvider,
            options.Compression == CompressionType.Deflate ? ZLibDuplexStream.Wrapper(options.CompressionLevel) : null,
            $"{host.Host}:{host.Port}")
    {
        _logger = logger;
    }

    protected override bool HoldsGateAcrossBatch => false;

    protected override bool ReportsUseAfterDisposeAsDeliveryFailure => false;

    // The handshake rides on the first request of every connection, so that request is part of opening it.
    protected override bool OpensSessionWithinConnectTimeout => true;

    protected override bool ClosesIdleConnectionGracefully => true;

    protected override void OnConnected()
    {
        _handshakeDone = false;
        _sendProtocol = false;
        LogConnected(Target);
    }

    protected override void OnResettingConnection(TimeSpan interval) => LogResettingConnection(Target, interval.TotalSeconds);

    protected override string DescribeTimeout(bool opening, TimeSpan timeout, bool single) =>
        $"{(opening ? "connect and handshake" : "request")} timed out after {timeout.TotalMilliseconds:0} ms";

    protected override string DescribeConnectionFailure(Exception exception, bool single) => $"connection failed: {exception.Message}";

    protected override string DescribeStatus(EventStatus status, bool single) =>
        $"{(single ? AvroCall.Append : AvroCall.AppendBatch)} answered {status.ToString().ToUpperInvariant()}";

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    protected override async ValueTask<EventStatus> ExchangeAsync(
        Connection connection, FlumeEvent? single, IReadOnlyList<FlumeEvent>? events, int start, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var sentHandshake = !_handshakeDone;

            // The frame header goes in front of the message in the same buffer, filled in once the message's length
            // is known, so that the whole request is one write.
            _request.ResetWrittenCount();
            _request.GetSpan(NettyFrame.SingleBufferHeaderLength);
            _request.Advance(NettyFrame.SingleBufferHeaderLength);
            if (sentHandshake)
            {
                new AvroHandshakeRequest(AvroSourceProtocol.Hash, _sendProtocol ? AvroSourceProtocol.Text : null, _serverHash).Write(_request);
            }

            if (single is not null)
            {
                AvroCall.WriteAppendRequest(_request, single);
            }
            else
            {
                AvroCall.WriteAppendBatchRequest(_request, events!, start, count);
            }

            var serial = _serial++;
            var frame = MemoryMarshal.AsMemory(_request.WrittenMemory);
            NettyFrame.WriteHeader(frame.Span, serial, frame.Length - NettyFrame.SingleBufferHeaderLength);
            await connection.SendAsync(frame, cancellationToken);

            var response = await ReadResponseAsync(connection.Input, serial, sentHandshake, cancellationToken);
            if (response.Error is not null)
            {
                throw new EventDeliveryException($"{Target}: {response.Error}");
            }

            if (response.Resend)
            {
                if (_sendProtocol)
                {
                    throw new EventDeliveryException($"{Target}: handshake failed: the server does not accept AvroSourceProtocol");
                }

                _sendProtocol = true;
                continue;
            }

            return response.Status;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Response> ReadResponseAsync(PipeReader input, int serial, bool sentHandshake, CancellationToken cancellationToken)
    {
        var limits = Options.Limits;
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var status = NettyFrame.TryRead(buffer, limits.MaxBufferCount, limits.MaxFrameLength, out var responseSerial, out var frame, out var length, out var error);
            if (status == OperationStatus.InvalidData)
            {
                throw new EventDeliveryException($"{Target}: invalid response: {error}");
            }

            if (status == OperationStatus.NeedMoreData)
            {
                if (read.IsCompleted)
                {
                    throw new EventDeliveryException($"{Target}: connection closed by the server before it answered");
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            if (responseSerial != serial)
            {
                throw new EventDeliveryException($"{Target}: response serial {responseSerial} does not match request serial {serial}");
            }

            var response = Decode(frame, length, sentHandshake);
            input.AdvanceTo(frame.End);
            return response;
        }
    }

    // A call response is a few bytes and is decoded from the stack; a handshake response with the server's protocol
    // text from a pooled array.
    private Response Decode(in ReadOnlySequence<byte> frame, int length, bool sentHandshake)
    {
        const int StackLimit = 256;
        if (length <= StackLimit)
        {
            Span<byte> message = stackalloc byte[StackLimit];
            NettyFrame.CopyMessage(frame, message);
            return Decode(message[..length], sentHandshake);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            NettyFrame.CopyMessage(frame, rented);
            return Decode(rented.AsSpan(0, length), sentHandshake);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private Response Decode(ReadOnlySpan<byte> message, bool sentHandshake)
    {
        var reader = new AvroReader(message);
        OperationStatus status;
        if (sentHandshake)
        {
            status = AvroHandshakeResponse.Read(ref reader, out var handshake);
            if (status != OperationStatus.Done)
            {
                return Response.Failed(Describe("handshake response", status, reader.Error));
            }

            if (handshake!.Match == AvroHandshakeMatch.None)
            {
                if (handshake.ServerHash is { } hash)
                {
                    _serverHash = hash;
                }

                return new Response(EventStatus.Unknown, null, Resend: true);
            }

            _handshakeDone = true;
            if (handshake.ServerHash is { } serverHash)
            {
                _serverHash = serverHash;
            }
        }

        status = AvroCall.ReadResponse(ref reader, out var call);
        if (status != OperationStatus.Done)
        {
            return Response.Failed(Describe("call response", status, reader.Error));
        }

        return call!.IsError
            ? Response.Failed($"server error: {call.Error}")
            : new Response(call.Status, null, Resend: false);
    }

    private static string Describe(string what, OperationStatus status, string? error) =>
        status == OperationStatus.NeedMoreData ? $"{what} ends before its frame does" : $"malformed {what}: {error}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "avro client connected to {Target}")]
    private partial void LogConnected(string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "avro client resetting its connection to {Target} after {Seconds} s")]
    private partial void LogResettingConnection(string target, double seconds);

    private readonly record struct Response(EventStatus Status, string? Error, bool Resend)
    {
        public static Response Failed(string error) => new(EventStatus.Unknown, error, Resend: false);
    }
}
