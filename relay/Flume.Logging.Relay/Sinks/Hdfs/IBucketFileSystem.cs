namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// What the HDFS sink needs of a file system: HDFS through the native client, or local files for <c>file://</c>
/// paths. Every call is bounded by <c>hdfs.callTimeout</c> and throws on failure.
/// </summary>
internal interface IBucketFileSystem : IAsyncDisposable
{
    /// <summary>Creates <paramref name="path"/> (and its parents) for writing; fails if it exists.</summary>
    Task<IBucketFile> CreateAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Renames <paramref name="source"/> to <paramref name="destination"/>, which must not exist; a rename already
    /// done (source gone, destination there) counts as done, so a retry after a lost answer succeeds.
    /// </summary>
    Task RenameAsync(string source, string destination, CancellationToken cancellationToken);

    /// <summary>Takes over and closes the file a failed or dead writer left open; true once it is closed.</summary>
    Task<bool> RecoverLeaseAsync(string path, CancellationToken cancellationToken);

    /// <summary>The paths of the files in <paramref name="directory"/> (and below it when <paramref name="recursive"/>); none when it does not exist.</summary>
    Task<IReadOnlyList<string>> ListFilesAsync(string directory, bool recursive, CancellationToken cancellationToken);
}
