using Flume.Logging.Hdfs.Protos;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.NameNode;

/// <summary>One method per <c>ClientProtocol</c> operation.</summary>
internal sealed partial class NameNodeClient
{
    public async Task<FsServerDefaultsProto> GetServerDefaultsAsync(CancellationToken cancellationToken)
    {
        var response = await InvokeAsync("getServerDefaults", new GetServerDefaultsRequestProto(), GetServerDefaultsResponseProto.Parser, cancellationToken);
        return response.ServerDefaults;
    }

    /// <summary>The status of <paramref name="path"/>, or null when nothing exists there.</summary>
    public async Task<HdfsFileStatusProto?> GetFileInfoAsync(string path, CancellationToken cancellationToken)
    {
        var response = await InvokeAsync("getFileInfo", new GetFileInfoRequestProto { Src = path }, GetFileInfoResponseProto.Parser, cancellationToken);
        return response.Fs;
    }

    /// <summary>Creates the directory (and its missing parents when <paramref name="createParent"/>); true when it exists afterwards.</summary>
    public async Task<bool> MkdirsAsync(string path, uint permission, bool createParent, CancellationToken cancellationToken)
    {
        var request = new MkdirsRequestProto { Src = path, Masked = new FsPermissionProto { Perm = permission }, CreateParent = createParent };
        var response = await InvokeAsync("mkdirs", request, MkdirsResponseProto.Parser, cancellationToken);
        return response.Result;
    }

    /// <summary>Creates a file under this client's lease and returns its status (its <c>fileId</c> names it in later calls).</summary>
    public async Task<HdfsFileStatusProto> CreateAsync(string path, CreateFileSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var flags = (uint)CreateFlagProto.Create | (settings.Overwrite ? (uint)CreateFlagProto.Overwrite : 0);
        var request = new CreateRequestProto
        {
            Src = path,
            Masked = new FsPermissionProto { Perm = settings.Permission },
            ClientName = ClientName,
            CreateFlag = flags,
            CreateParent = settings.CreateParent,
            Replication = settings.Replication,
            BlockSize = settings.BlockSize,
        };
        var response = await InvokeAsync("create", request, CreateResponseProto.Parser, cancellationToken);
        return response.Fs ?? throw new IOException($"The NameNode created {path} but returned no file status.");
    }

    /// <summary>
    /// Allocates the file's next block after <paramref name="previous"/> (null for the first), on DataNodes other
    /// than <paramref name="excludeNodes"/>; the answer names the pipeline to write it to.
    /// </summary>
    public async Task<LocatedBlockProto> AddBlockAsync(string path, ulong fileId, ExtendedBlockProto? previous, IEnumerable<DatanodeInfoProto> excludeNodes, CancellationToken cancellationToken)
    {
        var request = new AddBlockRequestProto { Src = path, ClientName = ClientName, FileId = fileId };
        if (previous is not null)
        {
            request.Previous = previous;
        }

        request.ExcludeNodes.AddRange(excludeNodes);
        var response = await InvokeAsync("addBlock", request, AddBlockResponseProto.Parser, cancellationToken);
        return response.Block;
    }

    /// <summary>
    /// Closes the file with <paramref name="last"/> as its final block. The NameNode answers false until DataNodes
    /// reported the last block complete, so this asks again after 400 ms, doubling, as Hadoop's client does, and
    /// throws when <see cref="HdfsClientOptions.CompleteRetries"/> retries were not enough.
    /// </summary>
    public async Task CompleteAsync(string path, ulong fileId, ExtendedBlockProto? last, CancellationToken cancellationToken)
    {
        var request = new CompleteRequestProto { Src = path, ClientName = ClientName, FileId = fileId };
        if (last is not null)
        {
            request.Last = last;
        }

        var delay = _options.CompleteInitialDelay;
        for (var retry = 0; ; retry++)
        {
            var response = await InvokeAsync("complete", request, CompleteResponseProto.Parser, cancellationToken);
            if (response.Result)
            {
                return;
            }

            if (retry == _options.CompleteRetries)
            {
                throw new IOException(
                    $"Unable to close {path}: the NameNode still does not see its last block on enough DataNodes after {retry} retries.");
            }

            await Task.Delay(delay, _timeProvider, cancellationToken);
            delay *= 2;
        }
    }

    /// <summary>Gives up the block the last <see cref="AddBlockAsync"/> allocated (its pipeline could not be set up).</summary>
    public Task AbandonBlockAsync(string path, ulong fileId, ExtendedBlockProto block, CancellationToken cancellationToken)
    {
        var request = new AbandonBlockRequestProto { Src = path, Holder = ClientName, B = block, FileId = fileId };
        return InvokeAsync("abandonBlock", request, AbandonBlockResponseProto.Parser, cancellationToken);
    }

    /// <summary>The old rename: false (not an exception) when the source is missing or the destination is taken.</summary>
    public async Task<bool> RenameAsync(string source, string destination, CancellationToken cancellationToken)
    {
        var response = await InvokeAsync("rename", new RenameRequestProto { Src = source, Dst = destination }, RenameResponseProto.Parser, cancellationToken);
        return response.Result;
    }

    /// <summary>The new rename: throws when it cannot; replaces an existing destination only when <paramref name="overwrite"/>.</summary>
    public Task Rename2Async(string source, string destination, bool overwrite, CancellationToken cancellationToken)
    {
        var request = new Rename2RequestProto { Src = source, Dst = destination, OverwriteDest = overwrite };
        return InvokeAsync("rename2", request, Rename2ResponseProto.Parser, cancellationToken);
    }

    /// <summary>Deletes the path; false when nothing was there.</summary>
    public async Task<bool> DeleteAsync(string path, bool recursive, CancellationToken cancellationToken)
    {
        var response = await InvokeAsync("delete", new DeleteRequestProto { Src = path, Recursive = recursive }, DeleteResponseProto.Parser, cancellationToken);
        return response.Result;
    }

    /// <summary>Keeps this client's leases (every file it has open) from expiring.</summary>
    public Task RenewLeaseAsync(CancellationToken cancellationToken) =>
        InvokeAsync("renewLease", new RenewLeaseRequestProto { ClientName = ClientName }, RenewLeaseResponseProto.Parser, cancellationToken);

    /// <summary>
    /// Takes over another writer's lease on <paramref name="path"/>: true when the file is closed (now or already),
    /// false while the NameNode still recovers its last block (ask again later).
    /// </summary>
    public async Task<bool> RecoverLeaseAsync(string path, CancellationToken cancellationToken)
    {
        var response = await InvokeAsync("recoverLease", new RecoverLeaseRequestProto { Src = path, ClientName = ClientName }, RecoverLeaseResponseProto.Parser, cancellationToken);
        return response.Result;
    }

    /// <summary>Tells the NameNode the last block's length so far, so readers see it (hsync's length update).</summary>
    public Task FsyncAsync(string path, ulong fileId, long lastBlockLength, CancellationToken cancellationToken)
    {
        var request = new FsyncRequestProto { Src = path, Client = ClientName, LastBlockLength = lastBlockLength, FileId = fileId };
        return InvokeAsync("fsync", request, FsyncResponseProto.Parser, cancellationToken);
    }

    /// <summary>One page of a directory's entries after <paramref name="startAfter"/> (empty for the first page); null when the path is missing.</summary>
    public async Task<DirectoryListingProto?> GetListingAsync(string path, ReadOnlyMemory<byte> startAfter, bool needLocation, CancellationToken cancellationToken)
    {
        var request = new GetListingRequestProto { Src = path, StartAfter = ByteString.CopyFrom(startAfter.Span), NeedLocation = needLocation };
        var response = await InvokeAsync("getListing", request, GetListingResponseProto.Parser, cancellationToken);
        return response.DirList;
    }

    /// <summary>The blocks covering <paramref name="length"/> bytes from <paramref name="offset"/>, with where each is stored.</summary>
    public async Task<LocatedBlocksProto?> GetBlockLocationsAsync(string path, ulong offset, ulong length, CancellationToken cancellationToken)
    {
        var request = new GetBlockLocationsRequestProto { Src = path, Offset = offset, Length = length };
        var response = await InvokeAsync("getBlockLocations", request, GetBlockLocationsResponseProto.Parser, cancellationToken);
        return response.Locations;
    }

    /// <summary>A new generation stamp for the block being written, before rebuilding its pipeline after a DataNode failed.</summary>
    public async Task<LocatedBlockProto> UpdateBlockForPipelineAsync(ExtendedBlockProto block, CancellationToken cancellationToken)
    {
        var request = new UpdateBlockForPipelineRequestProto { Block = block, ClientName = ClientName };
        var response = await InvokeAsync("updateBlockForPipeline", request, UpdateBlockForPipelineResponseProto.Parser, cancellationToken);
        return response.Block;
    }

    /// <summary>Records the rebuilt pipeline: the block under its new generation stamp on <paramref name="newNodes"/>.</summary>
    public Task UpdatePipelineAsync(ExtendedBlockProto oldBlock, ExtendedBlockProto newBlock, IEnumerable<DatanodeIDProto> newNodes, IEnumerable<string> storageIds, CancellationToken cancellationToken)
    {
        var request = new UpdatePipelineRequestProto { ClientName = ClientName, OldBlock = oldBlock, NewBlock = newBlock };
        request.NewNodes.AddRange(newNodes);
        request.StorageIDs.AddRange(storageIds);
        return InvokeAsync("updatePipeline", request, UpdatePipelineResponseProto.Parser, cancellationToken);
    }
}
