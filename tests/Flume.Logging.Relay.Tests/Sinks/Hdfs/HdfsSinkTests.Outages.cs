using Flume.Logging.Relay.Sinks;
using Flume.Logging.Relay.Sinks.Hdfs;
using Flume.Logging.Testing;
using Flume.Logging.Testing.Hdfs;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Tests.Sinks.Hdfs;

/// <summary>HDFS refusing or absent for a while: the take stays in the channel, the cause is logged once, and nothing is lost.</summary>
public sealed partial class HdfsSinkTests
{
    private const uint OwnerOnly = 0x1ED; // 0755: only the owner may add names
    private const uint OpenToAll = 0x1FF; // 0777

    private IReadOnlyList<string> FilesUnder(string directory) =>
        [.. _cluster.NameNode.Paths().Where(p => p.StartsWith(directory + "/", StringComparison.Ordinal) && Path.GetFileName(p).Contains('.', StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private static List<CapturingLoggerFactory.LogEntry> CannotWriteWarnings(CapturingLoggerFactory loggers) =>
        [.. loggers.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("cannot write", StringComparison.Ordinal))];

    /// <summary>
    /// Runs a take, advancing the manual clock a second at a time (bounded) until it ends; not before
    /// <paramref name="mayAdvance"/> holds, so a timeout on the manual clock cannot overtake real network work.
    /// </summary>
    private async Task<SinkStatus> ProcessWhileTheClockRunsAsync(HdfsSink sink, Func<bool> mayAdvance)
    {
        var take = sink.ProcessAsync(CancellationToken.None).AsTask();
        for (var i = 0; i < 1000 && !take.IsCompleted; i++)
        {
            await Task.WhenAny(take, Task.Delay(10));
            if (mayAdvance())
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return await take;
    }

    [Fact]
    public async Task A_path_without_permission_keeps_the_take_in_the_channel_names_AccessControlException_once_and_writes_once_granted()
    {
        using var loggers = new CapturingLoggerFactory();
        _cluster.NameNode.AddDirectory("/protected", "hdfs", OwnerOnly);
        using var sink = CreateSink(new() { ["hdfs.path"] = _cluster.Uri + "protected/logs" }, loggers);
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("a", "b");

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAnyAsync<IOException>(() => sink.ProcessAsync(CancellationToken.None).AsTask());
            Assert.Equal(2, _channel.Size);
        }

        var warning = Assert.Single(CannotWriteWarnings(loggers));
        Assert.Contains("org.apache.hadoop.security.AccessControlException", warning.Message, StringComparison.Ordinal);
        Assert.Contains("access=WRITE, inode=\"/protected\":hdfs:supergroup:drwxr-xr-x", warning.Message, StringComparison.Ordinal);

        _cluster.NameNode.SetPermission("/protected", OpenToAll);
        await sink.ProcessAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);

        Assert.Equal(0, _channel.Size);
        Assert.Equal("a\nb\n", await ReadTextAsync(Assert.Single(FilesUnder("/protected/logs"))));
    }

    [Fact]
    public async Task A_stop_while_the_NameNode_is_down_ends_the_retrying_tick_without_a_failure_warning()
    {
        using var loggers = new CapturingLoggerFactory();
        await _cluster.NameNode.GoDownAsync();
        using var sink = CreateSink(loggers: loggers);
        await sink.StartAsync(CancellationToken.None);

        // The first tick (the crash leftovers' listing) retries the refused NameNode; the stop cuts it short.
        await Eventually.TrueAsync(() => loggers.Contains("calling it again"), "the listing retried");
        await sink.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(!loggers.Entries.Any(e => e.Level >= LogLevel.Warning), loggers.Dump());
    }

    [Fact]
    public async Task A_NameNode_down_for_30_seconds_keeps_every_take_in_the_channel_and_all_are_written_when_it_is_back()
    {
        using var loggers = new CapturingLoggerFactory();

        // A file per take, so every take needs the NameNode (create, then complete and rename at the roll).
        using var sink = CreateSink(new() { ["hdfs.rollCount"] = "1", ["hdfs.batchSize"] = "1" }, loggers);
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("before");
        await sink.ProcessAsync(CancellationToken.None);

        await _cluster.NameNode.GoDownAsync();
        await PutTextAsync("during");
        var down = _time.GetUtcNow();
        var failedTakes = 0;
        while (_time.GetUtcNow() - down < TimeSpan.FromSeconds(30))
        {
            // The sink's call timeout runs on the manual clock, moved once the client has seen the NameNode refuse.
            await Assert.ThrowsAnyAsync<Exception>(() => ProcessWhileTheClockRunsAsync(sink, () => loggers.Contains("calling it again")));
            Assert.Equal(1, _channel.Size);
            failedTakes++;
        }

        Assert.InRange(failedTakes, 1, 30);
        _cluster.NameNode.ComeBack();
        await PutTextAsync("after");
        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));
        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));
        await sink.StopAsync(CancellationToken.None);

        Assert.Equal(0, _channel.Size);
        var texts = new List<string>();
        foreach (var file in Files())
        {
            Assert.DoesNotContain(".tmp", file, StringComparison.Ordinal);
            texts.Add(await ReadTextAsync(file));
        }

        Assert.Equal(["before\n", "during\n", "after\n"], texts);
        // One warning for the whole outage, naming the NameNode and the refusal, not one per retry.
        var warning = Assert.Single(loggers.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains("cannot write", warning.Message, StringComparison.Ordinal);
        Assert.True(warning.Message.Contains("the last attempt failed: ", StringComparison.Ordinal) && warning.Message.Contains("NameNode at 127.0.0.1:" + _cluster.NameNode.Port, StringComparison.Ordinal), loggers.Dump());
        Assert.True(loggers.Contains("writes again after", LogLevel.Information), loggers.Dump());
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData("1", 1)]
    public async Task A_block_that_lost_a_replica_rolls_its_file_unless_minBlockReplicas_allows_one(string? minBlockReplicas, int files)
    {
        await _cluster.DisposeAsync();
        _cluster = new TestHdfsCluster(dataNodes: 3, replication: 2);
        using var loggers = new CapturingLoggerFactory();
        var extra = minBlockReplicas is null ? [] : new Dictionary<string, string> { ["hdfs.minBlockReplicas"] = minBlockReplicas };
        using var sink = CreateSink(extra, loggers);
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("first");
        await sink.ProcessAsync(CancellationToken.None);

        // The pipeline's first DataNode dies: the next flush recovers onto the one left, a block with one replica.
        _cluster.DataNodes[0].DieAfterBytes = 0;
        await PutTextAsync("second");
        await sink.ProcessAsync(CancellationToken.None);
        await PutTextAsync("third");
        await sink.ProcessAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);

        var texts = new List<string>();
        foreach (var file in Files())
        {
            texts.Add(await ReadTextAsync(file));
        }

        Assert.Equal(files == 2 ? ["first\nsecond\n", "third\n"] : ["first\nsecond\nthird\n"], texts);
        Assert.Equal(files == 2 ? 1 : 0, loggers.Entries.Count(e => e.Message.Contains("fewer replicas than hdfs.minBlockReplicas", StringComparison.Ordinal)));
    }
}
