using Flume.Logging.Testing.Hdfs;

namespace Flume.Logging.Hdfs.Tests.DataTransfer;

/// <summary>A few test DataNodes for one test, disposed together.</summary>
internal sealed class TestDataNodes(int count) : IAsyncDisposable
{
    public TestDataNode[] Nodes { get; } = Enumerable.Range(0, count).Select(_ => new TestDataNode()).ToArray();

    public TestDataNode this[int index] => Nodes[index];

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
