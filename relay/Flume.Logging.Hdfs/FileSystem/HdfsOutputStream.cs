using System.Runtime.CompilerServices;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Hdfs.FileSystem;

/// <summary>
/// A file open for writing, as Hadoop's <c>DFSOutputStream</c>: bytes go into the current block's pipeline, a full
/// block is finished and the next one asked for (<c>addBlock</c> with the previous block), <see cref="HFlushAsync"/>
/// returns once every DataNode of the pipeline has acknowledged everything written, and <see cref="CloseAsync"/>
/// finishes the last block and completes the file. A DataNode that fails is dropped from the pipeline and the block
/// carries on with the others under a new generation stamp (<c>updateBlockForPipeline</c>, <c>updatePipeline</c>);
/// when none is left the stream fails with an error that says so, and the caller recovers the lease and starts a
/// new file. One caller at a time.
/// </summary>
internal sealed partial class HdfsOutputStream : IAsyncDisposable
{
    /// <summary>How many DataNodes a new block may be refused by before the write fails (Hadoop's <c>dfs.client.block.write.retries</c>).</summary>
    internal const int BlockOpenAttempts = 3;

    private readonly HdfsFileSystem _fileSystem;
    private readonly ulong _fileId;
    private readonly long _blockSize;
    private readonly BlockWriterOptions _writerOptions;
    private readonly ILogger _logger;
    private BlockWriter? _writer;
    private ExtendedBlockProto? _previous;
    private long _completedBlocksLength;
    private IOException? _failure;
    private bool _closed;

    internal HdfsOutputStream(HdfsFileSystem fileSystem, string path, ulong fileId, long blockSize, int replication, BlockWriterOptions writerOptions, ILogger logger)
    {
        _fileSystem = fileSystem;
        Path = path;
        Replication = replication;
        _fileId = fileId;
        _blockSize = blockSize;
        _writerOptions = writerOptions;
        _logger = logger;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The replication the file was created with: how many DataNodes each block's pipeline starts with.</summary>
    public int Replication { get; }

    /// <summary>
    /// The DataNodes in the current block's pipeline, fewer than <see cref="Replication"/> once pipeline recovery
    /// dropped some (or the cluster had too few); null between blocks.
    /// </summary>
    public int? PipelineSize => _writer?.Pipeline.Count;

    /// <summary>Bytes written to the file so far (acknowledged or not).</summary>
    public long Length => _completedBlocksLength + (_writer?.Length ?? 0);

    /// <summary>Pipeline recoveries this stream went through: DataNodes dropped while writing.</summary>
    public int Recoveries { get; private set; }

    /// <summary>Writes <paramref name="data"/>, finishing blocks and starting new ones at the block size.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        while (!data.IsEmpty)
        {
            var writer = _writer ??= await StartBlockAsync(cancellationToken).ConfigureAwait(false);
            var part = data[..(int)Math.Min(data.Length, _blockSize - writer.Length)];
            var before = writer.Length;
            try
            {
                await writer.WriteAsync(part, cancellationToken).ConfigureAwait(false);
                data = data[part.Length..];
            }
            catch (DataNodeException failure)
            {
                // What the writer took before failing is buffered or unacked, and resent by the recovery.
                data = data[(int)(writer.Length - before)..];
                await RecoverPipelineAsync(writer, failure, cancellationToken).ConfigureAwait(false);
            }

            if (writer.Length == _blockSize)
            {
                await EndBlockAsync(writer, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Returns once every byte written so far is acknowledged by every DataNode of the pipeline (readable by new readers).</summary>
    public ValueTask HFlushAsync(CancellationToken cancellationToken = default) =>
        FlushAsync(sync: false, cancellationToken);

    /// <summary>As <see cref="HFlushAsync"/>, with the DataNodes syncing to disk, and the NameNode told the file's length.</summary>
    public async Task HSyncAsync(CancellationToken cancellationToken = default)
    {
        await FlushAsync(sync: true, cancellationToken).ConfigureAwait(false);
        await _fileSystem.NameNode.FsyncAsync(Path, _fileId, _writer?.AckedLength ?? 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Finishes the last block and completes the file (asking again while the NameNode waits for the DataNodes'
    /// reports). The lease is released. A stream that failed cannot be closed: abandon it and recover the lease.
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        if (_writer is { } writer)
        {
            await EndBlockAsync(writer, cancellationToken).ConfigureAwait(false);
        }

        await _fileSystem.NameNode.CompleteAsync(Path, _fileId, _previous, cancellationToken).ConfigureAwait(false);
        _closed = true;
        _fileSystem.Leases.FileClosed();
    }

    /// <summary>
    /// Drops the stream without completing the file: the connections close, and the lease stays with this client until
    /// it stops renewing or someone recovers it. For a stream that failed, or that a shutdown cannot wait for.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_writer is { } writer)
        {
            _writer = null;
            await writer.DisposeAsync().ConfigureAwait(false);
        }

        if (!_closed)
        {
            _closed = true;
            _fileSystem.Leases.FileClosed();
        }
    }

    // Pooled: the HDFS sink flushes every batch, and a flush should cost no allocation.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAsync(bool sync, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        if (_writer is not { } writer)
        {
            // Nothing written since the last block ended: every byte so far is in finished blocks.
            return;
        }

        while (true)
        {
            try
            {
                if (sync)
                {
                    await writer.HSyncAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await writer.HFlushAsync(cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (DataNodeException failure)
            {
                await RecoverPipelineAsync(writer, failure, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // addBlock, then a pipeline on the DataNodes it names; a node that refuses the pipeline is reported to the NameNode
    // (abandonBlock) and left out of the next addBlock, as Hadoop's client does.
    private async Task<BlockWriter> StartBlockAsync(CancellationToken cancellationToken)
    {
        var excluded = new List<DatanodeInfoProto>();
        for (var attempt = 1; ; attempt++)
        {
            var located = await _fileSystem.NameNode.AddBlockAsync(Path, _fileId, _previous, excluded, cancellationToken).ConfigureAwait(false);
            try
            {
                return await BlockWriter.OpenAsync(located, _writerOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (DataNodeException refused) when (attempt < BlockOpenAttempts)
            {
                LogBlockRefused(located.B.BlockId, refused.NodeAddress, refused.Message);
                await _fileSystem.NameNode.AbandonBlockAsync(Path, _fileId, located.B, cancellationToken).ConfigureAwait(false);
                excluded.Add(refused.Node);
            }
            catch (DataNodeException refused)
            {
                await _fileSystem.NameNode.AbandonBlockAsync(Path, _fileId, located.B, cancellationToken).ConfigureAwait(false);
                throw Fail(new IOException($"HDFS file {Path}: no pipeline for a new block after {attempt} tries, the last refused by {refused.NodeAddress}: {refused.Message}", refused));
            }
        }
    }

    private async Task EndBlockAsync(BlockWriter writer, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var length = await writer.FinishAsync(cancellationToken).ConfigureAwait(false);
                _previous = writer.Block;
                _previous.NumBytes = (ulong)length;
                _completedBlocksLength += length;
                _writer = null;
                await writer.DisposeAsync().ConfigureAwait(false);
                return;
            }
            catch (DataNodeException failure)
            {
                await RecoverPipelineAsync(writer, failure, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // The failed node leaves the pipeline; the others carry the block on under a new generation stamp, so the
    // NameNode and the DataNodes can tell the replicas written before the failure from those written after.
    private async Task RecoverPipelineAsync(BlockWriter writer, DataNodeException failure, CancellationToken cancellationToken)
    {
        while (true)
        {
            var remaining = new List<DatanodeInfoProto>(writer.Pipeline);
            remaining.RemoveAt(failure.NodeIndex);
            if (remaining.Count == 0)
            {
                throw Fail(new IOException(
                    $"HDFS file {Path}: every DataNode of block {writer.Block.BlockId}'s pipeline failed, the last {failure.NodeAddress}: {failure.Message}. Recover the file's lease and write a new file.",
                    failure));
            }

            LogRecovering(Path, writer.Block.BlockId, failure.NodeAddress, failure.Message, remaining.Count);
            var oldBlock = writer.Block;
            var updated = await _fileSystem.NameNode.UpdateBlockForPipelineAsync(oldBlock, cancellationToken).ConfigureAwait(false);
            try
            {
                await writer.RecoverAsync(remaining, (long)updated.B.GenerationStamp, cancellationToken).ConfigureAwait(false);
            }
            catch (DataNodeException again)
            {
                failure = again;
                continue;
            }

            var newBlock = writer.Block;
            await _fileSystem.NameNode.UpdatePipelineAsync(oldBlock, newBlock, remaining.ConvertAll(n => n.Id), [], cancellationToken).ConfigureAwait(false);
            Recoveries++;
            return;
        }
    }

    private IOException Fail(IOException failure)
    {
        _failure = failure;
        return failure;
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_failure is { } failure)
        {
            throw new IOException($"HDFS file {Path} failed earlier: {failure.Message}", failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "HDFS block {BlockId}: DataNode {Node} refused the pipeline ({Reason}); asking the NameNode for others")]
    private partial void LogBlockRefused(ulong blockId, string node, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HDFS file {Path}, block {BlockId}: DataNode {Node} failed ({Reason}); carrying on with the other {Remaining}")]
    private partial void LogRecovering(string path, ulong blockId, string node, string reason, int remaining);
}
