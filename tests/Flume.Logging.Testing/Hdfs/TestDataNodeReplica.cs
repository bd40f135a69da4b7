using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>One replica a <see cref="TestDataNode"/> holds in memory: its bytes, how many were acked upstream, its state.</summary>
internal sealed class TestDataNodeReplica(long blockId, long generationStamp, ChecksumProto checksum)
{
    private readonly Lock gate = new();
    private byte[] data = new byte[64 * 1024];
    private long length;
    private long ackedLength;
    private long generation = generationStamp;
    private bool finalized;

    /// <summary>The generation stamp the replica was last written or recovered with.</summary>
    public long GenerationStamp
    {
        get
        {
            lock (gate)
            {
                return generation;
            }
        }
    }

    /// <summary>The checksum the block was created with (what reads send).</summary>
    public ChecksumProto Checksum { get; } = checksum;

    /// <summary>Bytes received so far (acked or not).</summary>
    public long Length
    {
        get
        {
            lock (gate)
            {
                return length;
            }
        }
    }

    /// <summary>The view the NameNode reads.</summary>
    public TestReplica Snapshot()
    {
        lock (gate)
        {
            return new TestReplica(blockId, generation, ackedLength, finalized);
        }
    }

    /// <summary>
    /// Stores a packet's data at <paramref name="offset"/>, which may repeat bytes already held (a flushed partial
    /// chunk, or a resend after recovery) but not leave a gap; what followed is dropped, the stream goes on from here.
    /// A writer of an older generation (a pipeline since recovered) stores nothing.
    /// </summary>
    public bool TryWrite(long generationStamp, long offset, ReadOnlySpan<byte> bytes)
    {
        lock (gate)
        {
            if (generationStamp != generation || offset > length || finalized)
            {
                return false;
            }

            var end = offset + bytes.Length;
            if (end > data.Length)
            {
                Array.Resize(ref data, (int)Math.Max(end, data.Length * 2L));
            }

            bytes.CopyTo(data.AsSpan((int)offset));
            length = end;
            return true;
        }
    }

    /// <summary>Records that the bytes up to <paramref name="end"/> were acked upstream; the last packet finalizes.</summary>
    public void Acknowledge(long generationStamp, long end, bool last)
    {
        lock (gate)
        {
            if (generationStamp != generation)
            {
                return;
            }

            ackedLength = Math.Max(ackedLength, Math.Min(end, length));
            finalized |= last;
        }
    }

    /// <summary>
    /// Streaming recovery: keeps the <paramref name="keep"/> bytes the client knows were acked, under the new
    /// generation stamp; null when it can, else why not.
    /// </summary>
    public string? TryRecover(long newGenerationStamp, long keep)
    {
        lock (gate)
        {
            if (newGenerationStamp <= generation)
            {
                return $"generation stamp {newGenerationStamp} is not newer than the replica's {generation}";
            }

            if (length < keep)
            {
                return $"the replica has {length} bytes, fewer than the {keep} the client says were acked";
            }

            generation = newGenerationStamp;
            length = keep;
            ackedLength = keep;
            finalized = false;
            return null;
        }
    }

    /// <summary>A copy of bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="count"/>).</summary>
    public byte[] Read(long offset, int count)
    {
        lock (gate)
        {
            return data.AsSpan((int)offset, count).ToArray();
        }
    }
}
