using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>How a <see cref="BlockWriter"/> writes; take the checksum and packet settings from the NameNode's server defaults.</summary>
internal sealed class BlockWriterOptions
{
    /// <summary>The client name the NameNode knows the writer by (its lease holder). Required.</summary>
    public required string ClientName { get; init; }

    /// <summary>Connect to DataNodes by host name rather than IP; default false (<c>dfs.client.use.datanode.hostname</c>).</summary>
    public bool UseDataNodeHostname { get; init; }

    /// <summary>Checksum of every chunk; default CRC32C (Hadoop's <c>dfs.checksum.type</c> default).</summary>
    public ChecksumTypeProto ChecksumType { get; init; } = ChecksumTypeProto.ChecksumCrc32C;

    /// <summary>Bytes per checksum chunk; default 512 (<c>dfs.bytes-per-checksum</c>).</summary>
    public int BytesPerChecksum { get; init; } = 512;

    /// <summary>
    /// Largest packet, header and checksums included; default 64 KiB (<c>dfs.client-write-packet-size</c>). A packet
    /// holds as many whole chunks as fit, at least one.
    /// </summary>
    public int WritePacketSize { get; init; } = 64 * 1024;

    /// <summary>
    /// Packets sent but not yet acked before writes wait (the memory bound, and backpressure from a slow pipeline);
    /// default 80 (<c>dfs.client.write.max-packets-in-flight</c>).
    /// </summary>
    public int MaxUnackedPackets { get; init; } = 80;

    /// <summary>Longest wait for a connect, a send or an ack; default 60 s (<c>dfs.client.socket-timeout</c>).</summary>
    public TimeSpan SocketTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often an idle pipeline gets a heartbeat packet (when nothing went out for half of it), so the DataNodes do
    /// not time it out and acks keep coming; default 30 s (half the default socket timeout, as Hadoop's client does).
    /// Keep it under <see cref="SocketTimeout"/>.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(ClientName);
        if (!DataChecksum.IsSupported(ChecksumType))
        {
            throw new ArgumentOutOfRangeException(nameof(ChecksumType), ChecksumType, "unsupported checksum type");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BytesPerChecksum);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(WritePacketSize, PacketCodec.MaxPacketLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxUnackedPackets);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SocketTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatInterval, TimeSpan.Zero);
    }
}
