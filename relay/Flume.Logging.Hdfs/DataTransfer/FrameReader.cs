using System.Buffers;
using System.Runtime.CompilerServices;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>
/// Reads frames from a DataTransferProtocol stream into one pooled buffer and decodes them in place. A decoded
/// frame's views stay valid until <see cref="Advance"/>. Errors: <see cref="EndOfStreamException"/> when the peer
/// closes, <see cref="InvalidDataException"/> for a malformed frame, <see cref="TimeoutException"/> after the socket
/// timeout, <see cref="OperationCanceledException"/> when the caller cancels.
/// </summary>
internal sealed class FrameReader : IDisposable
{
    private const int InitialCapacity = 4096;

    private readonly Stream stream;
    private readonly int maxCapacity;
    private readonly SocketDeadline deadline;
    private byte[] buffer;
    private int start;
    private int end;

    /// <summary>Reads <paramref name="stream"/> with frames up to <paramref name="maxFrameLength"/> bytes.</summary>
    public FrameReader(Stream stream, int maxFrameLength, TimeSpan timeout)
    {
        this.stream = stream;
        maxCapacity = maxFrameLength + PacketCodec.MaxFramePrefixLength;
        deadline = new SocketDeadline(timeout);
        buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialCapacity, maxCapacity));
    }

    /// <summary>
    /// Decodes the next frame with <paramref name="decoder"/>, reading as needed. Returns the value and the frame's
    /// length to pass to <see cref="Advance"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(T Value, long Length)> ReadAsync<TDecoder, T>(TDecoder decoder, CancellationToken cancellationToken)
        where TDecoder : IFrameDecoder<T>
    {
        while (true)
        {
            var status = decoder.TryDecode(new ReadOnlySequence<byte>(buffer, start, end - start), out var value, out var consumed, out var error);
            if (status == OperationStatus.Done)
            {
                return (value, consumed);
            }

            if (status == OperationStatus.InvalidData)
            {
                throw new InvalidDataException(error);
            }

            await FillAsync(cancellationToken);
        }
    }

    /// <summary>The raw bytes of the frame read last (to pass it on unchanged, as a DataNode does down its pipeline).</summary>
    public ReadOnlyMemory<byte> Frame(long length) => buffer.AsMemory(start, (int)length);

    /// <summary>Drops the frame read last (and its views).</summary>
    public void Advance(long length) => start += (int)length;

    /// <inheritdoc/>
    public void Dispose()
    {
        deadline.Dispose();
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (end == buffer.Length)
        {
            MakeRoom();
        }

        int read;
        var token = deadline.Start(cancellationToken);
        try
        {
            read = await stream.ReadAsync(buffer.AsMemory(end), token);
        }
        catch (OperationCanceledException e)
        {
            throw deadline.Translate(e, "reading from the DataNode", cancellationToken);
        }
        finally
        {
            deadline.Stop();
        }

        if (read == 0)
        {
            throw new EndOfStreamException("the connection was closed");
        }

        end += read;
    }

    // Moves the unread bytes to the front, or grows the buffer when they fill it (frames are bounded by the decoders).
    private void MakeRoom()
    {
        var pending = end - start;
        if (start > 0)
        {
            buffer.AsSpan(start, pending).CopyTo(buffer);
        }
        else
        {
            if (buffer.Length >= maxCapacity)
            {
                throw new InvalidDataException($"a frame is longer than the {maxCapacity} bytes allowed");
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxCapacity));
            buffer.AsSpan(0, pending).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }

        start = 0;
        end = pending;
    }
}
