using System.Net.Sockets;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>A test DataNode's connection to the next node of a write pipeline.</summary>
internal sealed partial class TestDataNode
{
    private sealed class Mirror(Socket socket, TimeSpan timeout) : IDisposable
    {
        private readonly Status[] downstream = new Status[32];

        public NetworkStream Stream { get; } = new(socket, ownsSocket: true);

        public FrameReader Frames { get; } = new(new NetworkStream(socket, ownsSocket: false), PipelineAckCodec.MaxAckLength + OpRequestCodec.MaxOpLength, timeout);

        /// <summary>True once forwarding or reading an ack failed: the node below is treated as gone.</summary>
        public bool Failed { get; private set; }

        public async Task ForwardAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
        {
            try
            {
                await Stream.WriteAsync(frame, cancellationToken);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                Failed = true;
            }
        }

        /// <summary>Reads the downstream ack of <paramref name="seqno"/> into <paramref name="into"/>; returns its reply count.</summary>
        /// <remarks>
        /// Read even after forwarding failed: the node below may have answered (an error of its own, say) before it
        /// closed, and that answer names the node that failed better than this one can.
        /// </remarks>
        public async Task<int> ReadAckAsync(long seqno, Memory<Status> into, CancellationToken cancellationToken)
        {
            try
            {
                var ((acked, count), length) = await Frames.ReadAsync<AckDecoder, (long, int)>(new(downstream), cancellationToken);
                Frames.Advance(length);
                if (acked == seqno)
                {
                    downstream.AsSpan(0, count).CopyTo(into.Span);
                    return count;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException or InvalidDataException or ObjectDisposedException)
            {
                // Reported below as the downstream node's failure.
            }

            Failed = true;
            into.Span[0] = Status.Error;
            return 1;
        }

        public void Dispose()
        {
            Frames.Dispose();
            Stream.Dispose();
        }
    }
}
