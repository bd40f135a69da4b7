namespace Flume.Logging.Rpc;

/// <summary>
/// Caps that protect a server (and a client reading responses) from hostile or broken peers. A frame or request
/// over a cap closes the connection with a logged reason naming the peer; nothing is allocated for it first.
/// </summary>
public sealed class RpcLimits
{
    /// <summary>Most bytes in one request or response frame (all Avro buffers together, or one Thrift frame). Default: 64 MiB.</summary>
    public int MaxFrameLength { get; set; } = 64 * 1024 * 1024;

    /// <summary>Most buffers in one Avro Netty data pack. Default: 16384.</summary>
    public int MaxBufferCount { get; set; } = 16 * 1024;

    /// <summary>Most events in one <c>appendBatch</c>. Default: 100000.</summary>
    public int MaxBatchSize { get; set; } = 100_000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid cap.</summary>
    public void Validate()
    {
        if (MaxFrameLength < 1024)
        {
            throw new ArgumentException($"max frame length {MaxFrameLength} must be at least 1024", nameof(MaxFrameLength));
        }

        if (MaxBufferCount < 1)
        {
            throw new ArgumentException($"max buffer count {MaxBufferCount} must be at least 1", nameof(MaxBufferCount));
        }

        if (MaxBatchSize < 1)
        {
            throw new ArgumentException($"max batch size {MaxBatchSize} must be at least 1", nameof(MaxBatchSize));
        }
    }
}
