using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Hdfs.Protos;
using Google.Protobuf;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>The namespace: directories and files by absolute path, with Hadoop's answers for each operation on them.</summary>
public sealed partial class TestNameNode
{
    private const string Group = "supergroup";
    private const uint DirectoryPermission = 0x1ED; // 0755: what Hadoop gives parents it creates implicitly.
    private readonly TimeProvider _timeProvider;

    /// <summary>Entries per <c>getListing</c> page (Hadoop's <c>dfs.ls.limit</c>, 1000 by default).</summary>
    public int ListingPageSize { get; set; } = 1000;

    private ulong Now => (ulong)_timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The client holding the lease on the file at <paramref name="path"/>, or null when it is closed or missing.</summary>
    public string? LeaseHolder(string path)
    {
        lock (_state.Lock)
        {
            return _state.Inodes.GetValueOrDefault(path)?.LeaseHolder;
        }
    }

    /// <summary>The paths in the namespace, root first, sorted.</summary>
    public IReadOnlyList<string> Paths()
    {
        lock (_state.Lock)
        {
            return _state.Inodes.Keys.Order(StringComparer.Ordinal).ToList();
        }
    }

    private void AddRoot() => AddInode("/", isDirectory: true, SuperUser, RootPermission);

    private TestInode AddInode(string path, bool isDirectory, string owner, uint permission, uint replication = 0, ulong blockSize = 0)
    {
        var inode = new TestInode
        {
            Path = path,
            Id = _state.NextInodeId++,
            IsDirectory = isDirectory,
            Owner = owner,
            Permission = permission,
            ModificationTime = Now,
            Replication = replication,
            BlockSize = blockSize,
        };
        _state.Inodes[path] = inode;
        if (!isDirectory)
        {
            _state.FilesById[inode.Id] = inode;
        }

        return inode;
    }

    private GetFileInfoResponseProto GetFileInfo(GetFileInfoRequestProto request)
    {
        var response = new GetFileInfoResponseProto();
        if (_state.Inodes.TryGetValue(Normalize(request.Src), out var inode))
        {
            response.Fs = Status(inode, string.Empty);
        }

        return response;
    }

    private MkdirsResponseProto Mkdirs(MkdirsRequestProto request, string user)
    {
        var path = Normalize(request.Src);
        if (_state.Inodes.TryGetValue(path, out var existing))
        {
            return existing.IsDirectory
                ? new MkdirsResponseProto { Result = true }
                : throw new TestNameNodeException(HadoopExceptionNames.FileAlreadyExists, $"Path is not a directory: {path}");
        }

        EnsureParent(path, request.CreateParent, user);
        AddInode(path, isDirectory: true, user, request.Masked.Perm);
        return new MkdirsResponseProto { Result = true };
    }

    private CreateResponseProto Create(CreateRequestProto request, string user)
    {
        var path = Normalize(request.Src);
        var flags = request.CreateFlag;
        if (_state.Inodes.TryGetValue(path, out var existing))
        {
            if (existing.IsDirectory)
            {
                throw new TestNameNodeException(HadoopExceptionNames.FileAlreadyExists, $"{path} already exists as a directory");
            }

            RefuseIfBeingWritten(existing, request.ClientName);
            if ((flags & (uint)CreateFlagProto.Overwrite) == 0)
            {
                throw new TestNameNodeException(HadoopExceptionNames.FileAlreadyExists, $"{path} for client 127.0.0.1 already exists");
            }

            Remove(path);
        }
        else if ((flags & (uint)CreateFlagProto.Create) == 0)
        {
            throw new TestNameNodeException(HadoopExceptionNames.FileNotFound, $"File does not exist: {path}");
        }

        EnsureParent(path, request.CreateParent, user);
        var replication = request.Replication == 0 ? _defaultReplication : request.Replication;
        var blockSize = request.BlockSize == 0 ? _defaultBlockSize : request.BlockSize;
        var file = AddInode(path, isDirectory: false, user, request.Masked.Perm, replication, blockSize);
        file.LeaseHolder = request.ClientName;
        _state.LeaseRenewals[request.ClientName] = _timeProvider.GetUtcNow();
        return new CreateResponseProto { Fs = Status(file, string.Empty) };
    }

    /// <summary>Hadoop's refusal to touch a file another writer (or this one, a second time) still has open.</summary>
    private static void RefuseIfBeingWritten(TestInode file, string clientName)
    {
        if (file.LeaseHolder is not { } holder)
        {
            return;
        }

        if (file.RecoveryStarted)
        {
            throw new TestNameNodeException(HadoopExceptionNames.RecoveryInProgress,
                $"Failed to create file {file.Path} for {clientName}: lease recovery is in progress. Try again later.");
        }

        throw new TestNameNodeException(HadoopExceptionNames.AlreadyBeingCreated, holder == clientName
            ? $"Failed to create file {file.Path} for {clientName} because current leaseholder is trying to recreate file."
            : $"Failed to create file {file.Path} for {clientName} because this file is already being created by {holder} on 127.0.0.1");
    }

    private RenameResponseProto Rename(RenameRequestProto request, string user)
    {
        var source = Normalize(request.Src);
        var destination = Normalize(request.Dst);
        RequireWriteAccessToParent(source, user);
        if (_state.Inodes.TryGetValue(destination, out var target) && target.IsDirectory)
        {
            destination = Child(destination, _state.Inodes.GetValueOrDefault(source)?.Name ?? string.Empty);
        }

        // The old rename reports every refusal as false rather than an exception.
        var possible = source != "/" && _state.Inodes.ContainsKey(source) && !_state.Inodes.ContainsKey(destination)
            && _state.Inodes.GetValueOrDefault(Parent(destination))?.IsDirectory == true && !IsWithin(destination, source);
        if (possible)
        {
            RequireWriteAccessToParent(destination, user);
            Move(source, destination);
        }

        return new RenameResponseProto { Result = possible };
    }

    private Rename2ResponseProto Rename2(Rename2RequestProto request, string user)
    {
        var source = Normalize(request.Src);
        var destination = Normalize(request.Dst);
        RequireWriteAccessToParent(source, user);
        RequireWriteAccessToParent(destination, user);
        var moved = _state.Inodes.GetValueOrDefault(source)
            ?? throw new TestNameNodeException(HadoopExceptionNames.FileNotFound, $"rename source {source} is not found.");
        if (source == destination)
        {
            throw new TestNameNodeException(HadoopExceptionNames.FileAlreadyExists, $"The source {source} and destination {destination} are the same");
        }

        if (IsWithin(destination, source))
        {
            throw new TestNameNodeException(HadoopExceptionNames.IO, $"Rename destination {destination} is a directory or file under source {source}");
        }

        RequireParentDirectory(destination, "rename destination parent");
        if (_state.Inodes.TryGetValue(destination, out var replaced))
        {
            if (!request.OverwriteDest)
            {
                throw new TestNameNodeException(HadoopExceptionNames.FileAlreadyExists, $"rename destination {destination} already exists");
            }

            if (replaced.IsDirectory != moved.IsDirectory)
            {
                throw new TestNameNodeException(HadoopExceptionNames.IO, $"Source {source} and destination {destination} must both be directories or both files");
            }

            if (Children(destination).Any())
            {
                throw new TestNameNodeException(HadoopExceptionNames.IO, $"rename destination directory is not empty: {destination}");
            }

            Remove(destination);
        }

        Move(source, destination);
        return new Rename2ResponseProto();
    }

    private DeleteResponseProto Delete(DeleteRequestProto request, string user)
    {
        var path = Normalize(request.Src);
        if (path == "/" || !_state.Inodes.ContainsKey(path))
        {
            return new DeleteResponseProto { Result = false };
        }

        RequireWriteAccessToParent(path, user);

        if (!request.Recursive && Children(path).Any())
        {
            throw new TestNameNodeException(HadoopExceptionNames.PathIsNotEmptyDirectory, $"`{path} is non empty': Directory is not empty");
        }

        Remove(path);
        return new DeleteResponseProto { Result = true };
    }

    private SetTimesResponseProto SetTimes(SetTimesRequestProto request)
    {
        var path = Normalize(request.Src);
        var inode = _state.Inodes.GetValueOrDefault(path)
            ?? throw new TestNameNodeException(HadoopExceptionNames.FileNotFound, $"File/Directory {path} does not exist.");
        inode.ModificationTime = request.Mtime;
        return new SetTimesResponseProto();
    }

    private GetListingResponseProto GetListing(GetListingRequestProto request)
    {
        var path = Normalize(request.Src);
        if (!_state.Inodes.TryGetValue(path, out var inode))
        {
            return new GetListingResponseProto();
        }

        // A file lists as itself, as in Hadoop.
        var startAfter = request.StartAfter.ToStringUtf8();
        var entries = inode.IsDirectory
            ? Children(path).Where(c => string.CompareOrdinal(c.Name, startAfter) > 0).OrderBy(c => c.Name, StringComparer.Ordinal).ToList()
            : [inode];
        var page = entries.Take(ListingPageSize).ToList();
        var listing = new DirectoryListingProto { RemainingEntries = (uint)(entries.Count - page.Count) };
        foreach (var entry in page)
        {
            var status = Status(entry, inode.IsDirectory ? entry.Name : string.Empty);
            if (request.NeedLocation && !entry.IsDirectory)
            {
                status.Locations = Locate(entry, 0, ulong.MaxValue);
            }

            listing.PartialListing.Add(status);
        }

        return new GetListingResponseProto { DirList = listing };
    }

    private HdfsFileStatusProto Status(TestInode inode, string localName)
    {
        var status = new HdfsFileStatusProto
        {
            FileType = inode.IsDirectory ? HdfsFileStatusProto.Types.FileType.IsDir : HdfsFileStatusProto.Types.FileType.IsFile,
            Path = ByteString.CopyFromUtf8(localName),
            Length = inode.IsDirectory ? 0 : (ulong)inode.Blocks.Sum(b => b.NumBytes),
            Permission = new FsPermissionProto { Perm = inode.Permission },
            Owner = inode.Owner,
            Group = Group,
            ModificationTime = inode.ModificationTime,
            AccessTime = inode.IsDirectory ? 0 : inode.ModificationTime,
            BlockReplication = inode.Replication,
            Blocksize = inode.BlockSize,
            FileId = inode.Id,
        };
        if (inode.IsDirectory)
        {
            status.ChildrenNum = Children(inode.Path).Count();
        }

        return status;
    }

    private void EnsureParent(string path, bool createParent, string user)
    {
        var parent = Parent(path);
        if (_state.Inodes.TryGetValue(parent, out var existing))
        {
            if (!existing.IsDirectory)
            {
                throw new TestNameNodeException(HadoopExceptionNames.ParentNotDirectory, $"Parent path is not a directory: {parent}");
            }

            RequireWriteAccess(existing, user);
            return;
        }

        if (!createParent)
        {
            throw new TestNameNodeException(HadoopExceptionNames.FileNotFound, $"Parent directory doesn't exist: {parent}");
        }

        EnsureParent(parent, createParent: true, user);
        AddInode(parent, isDirectory: true, user, DirectoryPermission);
    }

    private void RequireParentDirectory(string path, string what)
    {
        var parent = Parent(path);
        if (!_state.Inodes.TryGetValue(parent, out var inode))
        {
            throw new TestNameNodeException(HadoopExceptionNames.FileNotFound, $"{what} {parent} does not exist");
        }

        if (!inode.IsDirectory)
        {
            throw new TestNameNodeException(HadoopExceptionNames.ParentNotDirectory, $"{what} {parent} is a file.");
        }
    }

    private IEnumerable<TestInode> Children(string directory) =>
        _state.Inodes.Values.Where(i => i.Path != "/" && Parent(i.Path) == directory);

    /// <summary>The inode at <paramref name="path"/> and everything under it.</summary>
    private List<TestInode> Subtree(string path) => _state.Inodes.Values.Where(i => IsWithin(i.Path, path)).ToList();

    private void Move(string source, string destination)
    {
        foreach (var inode in Subtree(source))
        {
            _state.Inodes.Remove(inode.Path);
            inode.Path = destination + inode.Path[source.Length..];
            _state.Inodes[inode.Path] = inode;
        }

        _state.Inodes[Parent(destination)].ModificationTime = Now;
    }

    private void Remove(string path)
    {
        foreach (var inode in Subtree(path))
        {
            _state.Inodes.Remove(inode.Path);
            _state.FilesById.Remove(inode.Id);
        }
    }

    private static bool IsWithin(string path, string ancestor) =>
        path == ancestor || path.StartsWith(ancestor == "/" ? "/" : ancestor + "/", StringComparison.Ordinal);

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    private static string Child(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    /// <summary>An absolute path without empty, "." or ".." components, as Hadoop requires.</summary>
    private static string Normalize(string path)
    {
        var components = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (!path.StartsWith('/') || components.Any(c => c is "." or ".." || c.Contains(':', StringComparison.Ordinal)))
        {
            throw new TestNameNodeException(HadoopExceptionNames.InvalidPath, $"Invalid path name Invalid file name: {path}");
        }

        return "/" + string.Join('/', components);
    }
}
