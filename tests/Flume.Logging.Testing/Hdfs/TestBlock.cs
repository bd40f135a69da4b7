namespace Flume.Logging.Testing.Hdfs;

/// <summary>One block of a file as the test NameNode records it: identity, committed length and pipeline.</summary>
internal sealed class TestBlock
{
    public required long Id { get; init; }

    public required long GenerationStamp { get; set; }

    /// <summary>The length the writer committed (addBlock's previous, fsync, complete); 0 while being written.</summary>
    public long NumBytes { get; set; }

    /// <summary>The DataNodes of the block's pipeline, by UUID.</summary>
    public required List<string> DataNodeUuids { get; set; }
}
