namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// The HDFS sink's files on the local (or a mounted) file system, for <c>file://</c> paths: plain files flushed to
/// disk per batch, renamed as on HDFS. There are no leases, so a file left open by a crash is closed already.
/// </summary>
internal sealed class LocalBucketFileSystem : IBucketFileSystem
{
    public Task<IBucketFile> CreateAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        return Task.FromResult<IBucketFile>(new File(stream));
    }

    public Task RenameAsync(string source, string destination, CancellationToken cancellationToken)
    {
        // A rename already done by an attempt whose outcome was not seen counts as done.
        if (System.IO.File.Exists(source) || !System.IO.File.Exists(destination))
        {
            System.IO.File.Move(source, destination, overwrite: false);
        }

        return Task.CompletedTask;
    }

    public Task<bool> RecoverLeaseAsync(string path, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<IReadOnlyList<string>> ListFilesAsync(string directory, bool recursive, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            : []);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class File(FileStream stream) : IBucketFile
    {
        public string Path => stream.Name;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            stream.WriteAsync(data, cancellationToken);

        public ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            stream.Flush(flushToDisk: true);
            return ValueTask.CompletedTask;
        }

        /// <summary>A local or mounted file has no replicas of its own to count.</summary>
        public bool IsUnderReplicated(int? minReplicas) => false;

        public Task CloseAsync(CancellationToken cancellationToken)
        {
            stream.Flush(flushToDisk: true);
            stream.Dispose();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
