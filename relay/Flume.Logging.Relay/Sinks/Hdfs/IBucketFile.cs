namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// One file open for writing. Disposing without <see cref="CloseAsync"/> abandons it (on HDFS the lease stays
/// until recovered), for a file whose stream failed.
/// </summary>
internal interface IBucketFile : IAsyncDisposable
{
    /// <summary>The file's path.</summary>
    string Path { get; }

    /// <summary>Writes <paramref name="data"/>.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Returns once everything written is durable for readers (HDFS <c>hflush</c>, a local flush to disk).</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);

    /// <summary>Finishes and closes the file (HDFS <c>complete</c>).</summary>
    Task CloseAsync(CancellationToken cancellationToken);
}
