using System.Net.Sockets;
using System.Text;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>The user guide's three SPILLABLEMEMORY snippets, run by the relay between a netcat source and an avro sink.</summary>
public sealed class SpillableMemoryChannelTests : IDisposable
{
    // Verbatim from the guide's "Spillable Memory Channel" section; only /mnt/flume is redirected to a temp folder.
    private const string MemoryWithOverflow = """
        a1.channels = c1
        a1.channels.c1.type = SPILLABLEMEMORY
        a1.channels.c1.memoryCapacity = 10000
        a1.channels.c1.overflowCapacity = 1000000
        a1.channels.c1.byteCapacity = 800000
        a1.channels.c1.checkpointDir = /mnt/flume/checkpoint
        a1.channels.c1.dataDirs = /mnt/flume/data
        """;

    private const string FileOnly = """
        a1.channels = c1
        a1.channels.c1.type = SPILLABLEMEMORY
        a1.channels.c1.memoryCapacity = 0
        a1.channels.c1.overflowCapacity = 1000000
        a1.channels.c1.checkpointDir = /mnt/flume/checkpoint
        a1.channels.c1.dataDirs = /mnt/flume/data
        """;

    private const string MemoryOnly = """
        a1.channels = c1
        a1.channels.c1.type = SPILLABLEMEMORY
        a1.channels.c1.memoryCapacity = 100000
        a1.channels.c1.overflowCapacity = 0
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("relay-spillable-").FullName;

    public void Dispose() => TempFolder.Delete(_directory);

    private string Flow(string snippet, int sinkPort) => $"""
        {snippet.Replace("/mnt/flume", _directory, StringComparison.Ordinal)}
        a1.sources = r1
        a1.sinks = k1
        a1.sources.r1.type = netcat
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 0
        a1.sources.r1.channels = c1
        a1.sinks.k1.type = avro
        a1.sinks.k1.channel = c1
        a1.sinks.k1.hostname = 127.0.0.1
        a1.sinks.k1.port = {sinkPort}
        """;

    private static async Task SendLinesAsync(int port, IEnumerable<string> lines)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        foreach (var line in lines)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\n"));
            Assert.Equal("OK", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        }
    }

    private static List<string> Bodies(RecordingReceiver receiver) =>
        [.. receiver.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span))];

    [Theory]
    [InlineData(nameof(MemoryWithOverflow))]
    [InlineData(nameof(FileOnly))]
    [InlineData(nameof(MemoryOnly))]
    public async Task Each_guide_snippet_carries_events_through_in_order(string snippet)
    {
        var text = snippet switch
        {
            nameof(MemoryWithOverflow) => MemoryWithOverflow,
            nameof(FileOnly) => FileOnly,
            _ => MemoryOnly,
        };
        var receiver = new RecordingReceiver();
        await using var server = await receiver.ServeAvroAsync();
        using var relay = await RelayProcess.StartRunningAsync(Flow(text, server.LocalEndPoint.Port));

        string[] lines = [.. Enumerable.Range(1, 20).Select(i => $"line {i}")];
        await SendLinesAsync(await relay.ListeningPortAsync("r1"), lines);
        await Eventually.TrueAsync(() => receiver.Events.Count >= lines.Length, "all lines delivered");
        Assert.Equal(lines, Bodies(receiver));
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task Events_that_overflowed_to_disk_survive_a_restart_and_memory_ones_do_not()
    {
        var snippet = MemoryWithOverflow
            .Replace("memoryCapacity = 10000", "memoryCapacity = 2", StringComparison.Ordinal)
            .Replace("byteCapacity = 800000", "overflowTimeout = 0", StringComparison.Ordinal);
        string[] lines = [.. Enumerable.Range(1, 10).Select(i => $"line {i}")];

        // No receiver yet: the sink fails, so everything stays in the channel, two in memory and eight on disk.
        using (var closed = new ClosedPort())
        using (var relay = await RelayProcess.StartRunningAsync(Flow(snippet, closed.Port)))
        {
            await SendLinesAsync(await relay.ListeningPortAsync("r1"), lines);
            Assert.Equal(0, await relay.StopAsync());
        }

        var receiver = new RecordingReceiver();
        await using var server = await receiver.ServeAvroAsync();
        using var restarted = await RelayProcess.StartRunningAsync(Flow(snippet, server.LocalEndPoint.Port));

        // A marker sent after the restart arrives after whatever the channel kept: once it is in, nothing kept is still
        // on its way, so the two lines that were only in memory are proven gone.
        await SendLinesAsync(await restarted.ListeningPortAsync("r1"), ["marker"]);
        await Eventually.TrueAsync(() => Bodies(receiver).Contains("marker"), "the marker delivered after the restart");
        Assert.Equal(lines[2..].Append("marker"), Bodies(receiver));
        Assert.Equal(0, await restarted.StopAsync());
    }
}
