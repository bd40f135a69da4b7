using Flume.Logging.Hdfs.FileSystem;
using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>The HDFS sink's files on HDFS, through the native client; each call bounded by <c>hdfs.callTimeout</c>.</summary>
internal sealed class HdfsBucketFileSystem(HdfsFileSystem fileSystem, HdfsCallTimeout timeout) : IBucketFileSystem
{
    public async Task<IBucketFile> CreateAsync(string path, CancellationToken cancellationToken)
    {
        var stream = await timeout.RunAsync("create " + path, token => fileSystem.CreateAsync(path, overwrite: false, cancellationToken: token), cancellationToken).ConfigureAwait(false);
        return new File(stream, timeout);
    }

    public Task RenameAsync(string source, string destination, CancellationToken cancellationToken) =>
        timeout.RunAsync($"rename {source}", async token =>
        {
            try
            {
                await fileSystem.RenameAsync(source, destination, overwrite: false, token).ConfigureAwait(false);
            }
            catch (RemoteException e) when (e.IsFileNotFound)
            {
                // Done already when an earlier attempt renamed it and its answer was lost.
                if (await fileSystem.GetFileInfoAsync(destination, token).ConfigureAwait(false) is null)
                {
                    throw;
                }
            }
        }, cancellationToken);

    public Task<bool> RecoverLeaseAsync(string path, CancellationToken cancellationToken) =>
        timeout.RunAsync("recoverLease " + path, token => fileSystem.RecoverLeaseAsync(path, token), cancellationToken);

    public Task<IReadOnlyList<string>> ListFilesAsync(string directory, bool recursive, CancellationToken cancellationToken) =>
        timeout.RunAsync<IReadOnlyList<string>>("listing " + directory, async token =>
        {
            var files = new List<string>();
            var pending = new Stack<string>([directory]);
            while (pending.TryPop(out var current))
            {
                IReadOnlyList<HdfsFileStatusProto> entries;
                try
                {
                    entries = await fileSystem.ListAsync(current, token).ConfigureAwait(false);
                }
                catch (FileNotFoundException)
                {
                    continue;
                }

                foreach (var entry in entries)
                {
                    var path = current.TrimEnd('/') + "/" + entry.Path.ToStringUtf8();
                    if (entry.FileType == HdfsFileStatusProto.Types.FileType.IsFile)
                    {
                        files.Add(path);
                    }
                    else if (recursive && entry.FileType == HdfsFileStatusProto.Types.FileType.IsDir)
                    {
                        pending.Push(path);
                    }
                }
            }

            return files;
        }, cancellationToken);

    public ValueTask DisposeAsync() => fileSystem.DisposeAsync();

    /// <summary>An HDFS output stream: flush is <c>hflush</c>, close completes the file.</summary>
    private sealed class File(HdfsOutputStream stream, HdfsCallTimeout timeout) : IBucketFile
    {
        public string Path => stream.Path;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            await timeout.RunAsync("write " + stream.Path, token => stream.WriteAsync(data, token).AsTask(), cancellationToken).ConfigureAwait(false);

        public async ValueTask FlushAsync(CancellationToken cancellationToken) =>
            await timeout.RunAsync("hflush " + stream.Path, token => stream.HFlushAsync(token).AsTask(), cancellationToken).ConfigureAwait(false);

        public bool IsUnderReplicated(int? minReplicas) =>
            stream.PipelineSize is { } replicas && replicas < (minReplicas ?? stream.Replication);

        public Task CloseAsync(CancellationToken cancellationToken) =>
            timeout.RunAsync("close " + stream.Path, stream.CloseAsync, cancellationToken);

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
