using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Hdfs.Protos;
using Google.Protobuf;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>
/// Leases and blocks: allocation on the DataNodes, pipeline updates, closing a file once its last block is finalized
/// on a DataNode (read from the DataNodes' replica views, as a real NameNode learns it from block reports), and
/// lease recovery.
/// </summary>
public sealed partial class TestNameNode
{
    private readonly IReadOnlyList<TestDataNodeInfo> _dataNodes;
    private readonly ulong _defaultBlockSize;
    private readonly uint _defaultReplication;
    /// <summary>Who holds a file's lease while it is recovered, so its old writer's calls fail as Hadoop's do.</summary>
    private const string RecoveryLeaseHolder = "HDFS_NameNode";


    /// <summary>The block pool id blocks carry (<c>ExtendedBlockProto.poolId</c>).</summary>
    public string PoolId { get; } = "BP-1073741825-127.0.0.1-1764892800000";

    /// <summary>
    /// How many more times <c>complete</c> answers false before it looks at the replicas, as a NameNode does that has
    /// not yet had the DataNodes' block reports.
    /// </summary>
    public int CompleteFalseAnswers { get; set; }

    /// <summary>Whether the server defaults announce encrypted data transfer (<c>dfs.encrypt.data.transfer</c>).</summary>
    public bool EncryptDataTransfer { get; set; }

    /// <summary>When <paramref name="clientName"/> last created a file or renewed its lease, or null if never.</summary>
    public DateTimeOffset? LastLeaseRenewal(string clientName)
    {
        lock (_state.Lock)
        {
            return _state.LeaseRenewals.TryGetValue(clientName, out var at) ? at : null;
        }
    }

    private GetServerDefaultsResponseProto GetServerDefaults() => new()
    {
        ServerDefaults = new FsServerDefaultsProto
        {
            BlockSize = _defaultBlockSize,
            BytesPerChecksum = 512,
            WritePacketSize = 64 * 1024,
            Replication = _defaultReplication,
            FileBufferSize = 4096,
            ChecksumType = ChecksumTypeProto.ChecksumCrc32C,
            EncryptDataTransfer = EncryptDataTransfer,
        },
    };

    private RenewLeaseResponseProto RenewLease(RenewLeaseRequestProto request)
    {
        _state.LeaseRenewals[request.ClientName] = _timeProvider.GetUtcNow();
        return new RenewLeaseResponseProto();
    }

    private AddBlockResponseProto AddBlock(AddBlockRequestProto request)
    {
        var file = LeasedFile(request.Src, request.FileId, request.ClientName);
        if (request.Previous is { } previous)
        {
            Commit(file, previous);
        }

        var excluded = request.ExcludeNodes.Select(n => n.Id.DatanodeUuid).ToHashSet(StringComparer.Ordinal);
        var targets = _dataNodes.Where(d => !excluded.Contains(d.Uuid)).Take((int)file.Replication).Select(d => d.Uuid).ToList();
        if (targets.Count == 0)
        {
            throw new TestNameNodeException(HadoopExceptionNames.IO,
                $"File {file.Path} could only be written to 0 of the 1 minReplication nodes. There are {_dataNodes.Count} "
                + $"datanode(s) running and {excluded.Count} node(s) are excluded in this operation.");
        }

        var block = new TestBlock { Id = _state.NextBlockId++, GenerationStamp = _state.NextGenerationStamp++, DataNodeUuids = targets };
        var offset = (ulong)file.Blocks.Sum(b => b.NumBytes);
        file.Blocks.Add(block);
        return new AddBlockResponseProto { Block = Located(block, offset, (ulong)block.NumBytes) };
    }

    private CompleteResponseProto Complete(CompleteRequestProto request)
    {
        var file = File(request.Src, request.FileId);

        // complete is idempotent in Hadoop: a retry after the file closed is answered true.
        if (file.LeaseHolder is null)
        {
            return new CompleteResponseProto { Result = true };
        }

        RequireLease(file, request.ClientName);
        if (request.Last is { } last)
        {
            Commit(file, last);
        }

        if (CompleteFalseAnswers > 0)
        {
            CompleteFalseAnswers--;
            return new CompleteResponseProto { Result = false };
        }

        if (file.Blocks.Count > 0 && !Replicas(file.Blocks[^1]).Any(r => r.Finalized && r.GenerationStamp == file.Blocks[^1].GenerationStamp))
        {
            return new CompleteResponseProto { Result = false };
        }

        Close(file);
        return new CompleteResponseProto { Result = true };
    }

    private AbandonBlockResponseProto AbandonBlock(AbandonBlockRequestProto request)
    {
        var file = LeasedFile(request.Src, request.FileId, request.Holder);
        if (file.Blocks.Count > 0 && file.Blocks[^1].Id == (long)request.B.BlockId)
        {
            file.Blocks.RemoveAt(file.Blocks.Count - 1);
        }

        return new AbandonBlockResponseProto();
    }

    private FsyncResponseProto Fsync(FsyncRequestProto request)
    {
        var file = LeasedFile(request.Src, request.FileId, request.Client);
        if (request.LastBlockLength >= 0 && file.Blocks.Count > 0)
        {
            file.Blocks[^1].NumBytes = request.LastBlockLength;
        }

        return new FsyncResponseProto();
    }

    private GetBlockLocationsResponseProto GetBlockLocations(GetBlockLocationsRequestProto request)
    {
        var file = File(request.Src, fileId: 0);
        return new GetBlockLocationsResponseProto { Locations = Locate(file, request.Offset, request.Length) };
    }

    /// <summary>
    /// Hadoop's recovery: the first call takes the lease from its writer and starts block recovery (false); once
    /// recovered the file is closed (true). The test DataNodes run no recovery of their own, so the NameNode settles
    /// on the shortest replica of the last block as its synchronized length when asked again.
    /// </summary>
    private RecoverLeaseResponseProto RecoverLease(RecoverLeaseRequestProto request)
    {
        var file = File(request.Src, fileId: 0);
        if (file.LeaseHolder is null)
        {
            return new RecoverLeaseResponseProto { Result = true };
        }

        var last = file.Blocks.Count > 0 ? file.Blocks[^1] : null;
        var replicas = last is null ? [] : Replicas(last).Where(r => r.GenerationStamp >= last.GenerationStamp).ToList();
        if (last is not null && replicas.Count == 0)
        {
            // No DataNode ever received the last block: Hadoop drops it and closes the file at once.
            file.Blocks.RemoveAt(file.Blocks.Count - 1);
        }
        else if (last is not null && !file.RecoveryStarted)
        {
            file.RecoveryStarted = true;
            file.LeaseHolder = RecoveryLeaseHolder;
            return new RecoverLeaseResponseProto { Result = false };
        }
        else if (last is not null)
        {
            last.NumBytes = replicas.Min(r => r.Length);
        }

        Close(file);
        return new RecoverLeaseResponseProto { Result = true };
    }

    private UpdateBlockForPipelineResponseProto UpdateBlockForPipeline(UpdateBlockForPipelineRequestProto request)
    {
        var (file, block) = BlockBeingWritten(request.Block, request.ClientName);
        var updated = new TestBlock { Id = block.Id, GenerationStamp = _state.NextGenerationStamp++, NumBytes = (long)request.Block.NumBytes, DataNodeUuids = [] };
        var offset = (ulong)file.Blocks.Take(file.Blocks.Count - 1).Sum(b => b.NumBytes);
        return new UpdateBlockForPipelineResponseProto { Block = Located(updated, offset, (ulong)updated.NumBytes) };
    }

    private UpdatePipelineResponseProto UpdatePipeline(UpdatePipelineRequestProto request)
    {
        var (_, block) = BlockBeingWritten(request.OldBlock, request.ClientName);
        if (request.NewBlock.BlockId != request.OldBlock.BlockId || (long)request.NewBlock.GenerationStamp <= block.GenerationStamp)
        {
            throw new TestNameNodeException(HadoopExceptionNames.IO,
                $"Update {request.OldBlock.BlockId} (gs {request.OldBlock.GenerationStamp}) to an older or different block {request.NewBlock.BlockId} (gs {request.NewBlock.GenerationStamp})");
        }

        block.GenerationStamp = (long)request.NewBlock.GenerationStamp;
        block.NumBytes = (long)request.NewBlock.NumBytes;
        block.DataNodeUuids = request.NewNodes.Select(n => n.DatanodeUuid).ToList();
        return new UpdatePipelineResponseProto();
    }

    /// <summary>The file's blocks overlapping the range, with lengths as the DataNodes hold them for a file being written.</summary>
    private LocatedBlocksProto Locate(TestInode file, ulong offset, ulong length)
    {
        var underConstruction = file.LeaseHolder is not null;
        var located = new LocatedBlocksProto { UnderConstruction = underConstruction, IsLastBlockComplete = !underConstruction };
        var start = 0UL;
        for (var i = 0; i < file.Blocks.Count; i++)
        {
            var block = file.Blocks[i];
            var isLast = i == file.Blocks.Count - 1;
            var blockLength = isLast && underConstruction
                ? (ulong)Math.Max(block.NumBytes, Replicas(block).Select(r => r.Length).DefaultIfEmpty(0).Max())
                : (ulong)block.NumBytes;
            var entry = Located(block, start, blockLength);
            if (start < SaturatingAdd(offset, length) && (start + blockLength > offset || isLast))
            {
                located.Blocks.Add(entry);
            }

            if (isLast)
            {
                located.LastBlock = entry;
            }

            start += blockLength;
        }

        located.FileLength = start;
        return located;
    }

    private LocatedBlockProto Located(TestBlock block, ulong offset, ulong length)
    {
        var located = new LocatedBlockProto
        {
            B = new ExtendedBlockProto { PoolId = PoolId, BlockId = (ulong)block.Id, GenerationStamp = (ulong)block.GenerationStamp, NumBytes = length },
            Offset = offset,
            Corrupt = false,
            BlockToken = new TokenProto { Identifier = ByteString.Empty, Password = ByteString.Empty, Kind = string.Empty, Service = string.Empty },
        };
        foreach (var dataNode in block.DataNodeUuids.Select(u => _dataNodes.FirstOrDefault(d => d.Uuid == u)).OfType<TestDataNodeInfo>())
        {
            located.Locs.Add(new DatanodeInfoProto
            {
                Id = new DatanodeIDProto
                {
                    IpAddr = "127.0.0.1",
                    HostName = "127.0.0.1",
                    DatanodeUuid = dataNode.Uuid,
                    XferPort = (uint)dataNode.TransferPort,
                    InfoPort = 0,
                    IpcPort = 0,
                },
                Capacity = 1UL << 40,
                Remaining = 1UL << 39,
                LastUpdate = Now,
            });
            located.IsCached.Add(false);
            located.StorageTypes.Add(StorageTypeProto.Disk);
            located.StorageIDs.Add("DS-" + dataNode.Uuid);
        }

        return located;
    }

    private IEnumerable<TestReplica> Replicas(TestBlock block) =>
        _dataNodes.Select(d => d.Replicas.Find(block.Id)).OfType<TestReplica>();

    /// <summary>Records the length and generation stamp the writer reports for the file's last block.</summary>
    private static void Commit(TestInode file, ExtendedBlockProto reported)
    {
        if (file.Blocks.Count == 0 || file.Blocks[^1].Id != (long)reported.BlockId)
        {
            throw new TestNameNodeException(HadoopExceptionNames.IO, $"Block {reported.BlockId} is not the last block of {file.Path}");
        }

        file.Blocks[^1].NumBytes = (long)reported.NumBytes;
        file.Blocks[^1].GenerationStamp = (long)reported.GenerationStamp;
    }

    private void Close(TestInode file)
    {
        file.LeaseHolder = null;
        file.RecoveryStarted = false;
        file.ModificationTime = Now;
    }

    private (TestInode File, TestBlock Block) BlockBeingWritten(ExtendedBlockProto reported, string clientName)
    {
        var file = _state.FilesById.Values.FirstOrDefault(f => f.LeaseHolder is not null && f.Blocks.Count > 0 && f.Blocks[^1].Id == (long)reported.BlockId)
            ?? throw new TestNameNodeException(HadoopExceptionNames.IO, $"Block {reported.BlockId} does not exist or is not under construction");
        RequireLease(file, clientName);
        var block = file.Blocks[^1];
        if (block.GenerationStamp != (long)reported.GenerationStamp)
        {
            throw new TestNameNodeException(HadoopExceptionNames.IO, $"Block {reported.BlockId} has generation stamp {block.GenerationStamp}, not {reported.GenerationStamp}");
        }

        return (file, block);
    }

    /// <summary>The file by id when the client names one (it survives renames), else by path.</summary>
    private TestInode File(string path, ulong fileId)
    {
        var file = fileId != 0 ? _state.FilesById.GetValueOrDefault(fileId) : _state.Inodes.GetValueOrDefault(Normalize(path));
        return file is { IsDirectory: false }
            ? file
            : throw new TestNameNodeException(HadoopExceptionNames.FileNotFound, $"File does not exist: {path}" + (fileId != 0 ? $" (inode {fileId})" : string.Empty));
    }

    private TestInode LeasedFile(string path, ulong fileId, string clientName)
    {
        var file = File(path, fileId);
        RequireLease(file, clientName);
        return file;
    }

    private static void RequireLease(TestInode file, string clientName)
    {
        if (file.LeaseHolder != clientName)
        {
            throw new TestNameNodeException(HadoopExceptionNames.LeaseExpired, file.LeaseHolder is null
                ? $"No lease on {file.Path}: File is not open for writing. Holder {clientName} does not have any open files."
                : $"Client (={clientName}) is not the lease owner (={file.LeaseHolder}) of {file.Path}");
        }
    }

    private static ulong SaturatingAdd(ulong a, ulong b) => ulong.MaxValue - a < b ? ulong.MaxValue : a + b;
}
