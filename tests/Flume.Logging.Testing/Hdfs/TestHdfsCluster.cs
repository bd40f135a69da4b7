using Flume.Logging.Hdfs;
using Flume.Logging.Hdfs.Config;
using Flume.Logging.Hdfs.FileSystem;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>
/// A whole test HDFS on 127.0.0.1: a <see cref="TestNameNode"/> placing blocks on <see cref="DataNodes"/>, for our
/// client and for Debian's Go client (<c>hdfs-cli</c>), which <see cref="RunCliAsync"/> runs against it.
/// </summary>
internal sealed class TestHdfsCluster : IAsyncDisposable
{
    /// <summary>Debian's hdfs-cli, an independent implementation of HDFS's client protocols.</summary>
    public const string Cli = "/usr/bin/hdfs";

    /// <param name="dataNodes">How many DataNodes.</param>
    /// <param name="blockSize">The block size the NameNode announces.</param>
    /// <param name="replication">The replication the NameNode announces.</param>
    /// <param name="time">The NameNode's clock.</param>
    public TestHdfsCluster(int dataNodes = 1, long blockSize = 1024 * 1024, int replication = 1, TimeProvider? time = null)
    {
        DataNodes = [.. Enumerable.Range(0, dataNodes).Select(_ => new TestDataNode())];
        NameNode = new TestNameNode([.. DataNodes.Select(d => d.Info)], blockSize, replication, time);
    }

    public TestNameNode NameNode { get; }

    public IReadOnlyList<TestDataNode> DataNodes { get; }

    /// <summary>The file system's address, <c>hdfs://127.0.0.1:port/</c>.</summary>
    public Uri Uri => new($"hdfs://127.0.0.1:{NameNode.Port}/");

    /// <summary>
    /// Our client for this cluster, as user <c>flume</c> unless <paramref name="options"/> say otherwise; given
    /// <paramref name="nameNodes"/> (an HA pair, see <see cref="TestNameNode.StartHaPeer"/>), for those, in order.
    /// </summary>
    public HdfsFileSystem CreateFileSystem(HdfsClientOptions? options = null, TimeProvider? time = null, IReadOnlyList<TestNameNode>? nameNodes = null) =>
        new(
            new HdfsTarget([.. (nameNodes ?? [NameNode]).Select(n => new NameNodeAddress("127.0.0.1", n.Port))], UseDataNodeHostname: false),
            options ?? new HdfsClientOptions { User = "flume" },
            time);

    /// <summary>Runs <c>hdfs <paramref name="arguments"/></c> against this cluster as user <c>flume</c>; its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunCliAsync(params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["HADOOP_NAMENODE"] = $"127.0.0.1:{NameNode.Port}",
            ["HADOOP_USER_NAME"] = "flume",
            ["HADOOP_CONF_DIR"] = string.Empty,
        };
        using var process = PeerProcess.Start(Cli, arguments, environment: environment);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(15));
        return (exitCode, process.Output);
    }

    public async ValueTask DisposeAsync()
    {
        await NameNode.DisposeAsync();
        foreach (var dataNode in DataNodes)
        {
            await dataNode.DisposeAsync();
        }
    }
}
