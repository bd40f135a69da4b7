using Flume.Logging.Testing.Hdfs;
using Xunit.Abstractions;

namespace Flume.Logging.Hdfs.Tests.NameNode;

/// <summary>Debian's Go HDFS client (<c>hdfs-cli</c>, colinmarc/hdfs) against the test NameNode: a second, independent implementation of the protocol.</summary>
public sealed class HdfsCliTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestHdfsCluster _cluster = new(dataNodes: 0);

    private TestNameNode NameNode => _cluster.NameNode;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => _cluster.RunCliAsync(arguments);

    private async Task<string> RunOkAsync(params string[] arguments)
    {
        var (exitCode, output) = await RunAsync(arguments);
        Assert.True(exitCode == 0, $"hdfs {string.Join(' ', arguments)} exited {exitCode}: {output}; methods called: {string.Join(", ", NameNode.MethodsCalled)}");
        return output;
    }

    [Fact]
    public async Task Mkdir_touch_ls_mv_and_rm_of_the_go_client_work()
    {
        await RunOkAsync("mkdir", "-p", "/flume/a/b");
        await RunOkAsync("touch", "/flume/a/b/f.txt");
        await RunOkAsync("touch", "/flume/a/b/f.txt");
        var listing = await RunOkAsync("ls", "-l", "/flume/a/b");
        await RunOkAsync("mv", "/flume/a/b/f.txt", "/flume/a/g.txt");
        var afterMove = NameNode.Paths();
        await RunOkAsync("rm", "-r", "/flume/a/b");
        var (missingExit, missingOutput) = await RunAsync("ls", "/flume/missing");

        Assert.Contains("f.txt", listing, StringComparison.Ordinal);
        Assert.Contains("flume", listing, StringComparison.Ordinal);
        Assert.Contains("/flume/a/g.txt", afterMove);
        Assert.DoesNotContain("/flume/a/b/f.txt", afterMove);
        Assert.Equal(["/", "/flume", "/flume/a", "/flume/a/g.txt"], NameNode.Paths());
        Assert.Null(NameNode.LeaseHolder("/flume/a/g.txt"));
        Assert.NotEqual(0, missingExit);
        Assert.Contains("file does not exist", missingOutput, StringComparison.Ordinal);
        Assert.Empty(NameNode.UnimplementedMethods);
        output.WriteLine("Methods hdfs-cli called: " + string.Join(", ", NameNode.MethodsCalled.Distinct()));
    }
}
