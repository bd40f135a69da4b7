using Flume.Logging.Hdfs.Config;
using Flume.Logging.Hdfs.NameNode;
using Flume.Logging.Testing.Hdfs;

namespace Flume.Logging.Hdfs.Tests.NameNode;

/// <summary>Clients of test NameNodes, with settings that keep failure tests fast.</summary>
internal static class NameNodeClients
{
    public static readonly CreateFileSettings NewFile = new(Permission: 420, Overwrite: false, CreateParent: true, Replication: 2, BlockSize: 1024 * 1024);

    public static NameNodeClient For(TestNameNode nameNode, TimeProvider? timeProvider = null, HdfsClientOptions? options = null) =>
        For([nameNode], timeProvider, options);

    public static NameNodeClient For(IEnumerable<TestNameNode> nameNodes, TimeProvider? timeProvider = null, HdfsClientOptions? options = null) =>
        new(nameNodes.Select(n => new NameNodeAddress("127.0.0.1", n.Port)).ToList(), options ?? Options(), timeProvider);

    public static HdfsClientOptions Options(int maxFailoverAttempts = 4, string? proxyUser = null, int completeRetries = 5) => new()
    {
        User = "flume",
        ProxyUser = proxyUser,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        CallTimeout = TimeSpan.FromSeconds(10),
        FailoverDelay = TimeSpan.FromMilliseconds(10),
        MaxFailoverAttempts = maxFailoverAttempts,
        CompleteRetries = completeRetries,
    };
}
