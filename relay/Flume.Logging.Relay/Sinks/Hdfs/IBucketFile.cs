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

    /// <summary>
    /// Whether the block being written has fewer replicas than <paramref name="minReplicas"/> (the file's own
    /// replication when null), as Flume asks after each event to roll such a file onto a fresh pipeline.
    /// </summary>
    bool IsUnderReplicated(int? minReplicas);

    /// <summary>Finishes and closes the file (HDFS <c>complete</c>).</summary>
    Task CloseAsync(CancellationToken cancellationToken);
}
