using Flume.Logging.Testing;
using Flume.Logging.Testing.Hdfs;
using Xunit.Abstractions;

namespace Flume.Logging.Hdfs.Tests.NameNode;

/// <summary>Debian's Go HDFS client (<c>hdfs-cli</c>, colinmarc/hdfs) against the test NameNode: a second, independent implementation of the protocol.</summary>
public sealed class HdfsCliTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Cli = "/usr/bin/hdfs";
    private readonly TestNameNode _nameNode = new([]);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nameNode.DisposeAsync();

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["HADOOP_NAMENODE"] = $"127.0.0.1:{_nameNode.Port}",
            ["HADOOP_USER_NAME"] = "flume",
            ["HADOOP_CONF_DIR"] = string.Empty,
        };
        using var process = PeerProcess.Start(Cli, arguments, environment: environment);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(15));
        return (exitCode, process.Output);
    }

    private async Task<string> RunOkAsync(params string[] arguments)
    {
        var (exitCode, output) = await RunAsync(arguments);
        Assert.True(exitCode == 0, $"hdfs {string.Join(' ', arguments)} exited {exitCode}: {output}; methods called: {string.Join(", ", _nameNode.MethodsCalled)}");
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
        var afterMove = _nameNode.Paths();
        await RunOkAsync("rm", "-r", "/flume/a/b");
        var (missingExit, missingOutput) = await RunAsync("ls", "/flume/missing");

        Assert.Contains("f.txt", listing, StringComparison.Ordinal);
        Assert.Contains("flume", listing, StringComparison.Ordinal);
        Assert.Contains("/flume/a/g.txt", afterMove);
        Assert.DoesNotContain("/flume/a/b/f.txt", afterMove);
        Assert.Equal(["/", "/flume", "/flume/a", "/flume/a/g.txt"], _nameNode.Paths());
        Assert.Null(_nameNode.LeaseHolder("/flume/a/g.txt"));
        Assert.NotEqual(0, missingExit);
        Assert.Contains("file does not exist", missingOutput, StringComparison.Ordinal);
        Assert.Empty(_nameNode.UnimplementedMethods);
        output.WriteLine("Methods hdfs-cli called: " + string.Join(", ", _nameNode.MethodsCalled.Distinct()));
    }
}
