using System.Text;
using Flume.Logging.FileChannel.Log;
using Flume.Logging.Protocol;

namespace Flume.Logging.FileChannel.Tests;

public sealed class FileChannelIntegrityTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("integrity-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private FileChannelOptions Options()
    {
        var options = new FileChannelOptions
        {
            CheckpointDir = Path.Combine(_root, "checkpoint"),
            MinimumRequiredSpace = 0,
            CheckpointInterval = TimeSpan.FromHours(1),
            KeepAlive = TimeSpan.Zero,
        };
        options.DataDirs.Add(Path.Combine(_root, "data"));
        return options;
    }

    private async Task<string> WriteEventsAsync(int count)
    {
        await using var queue = FileEventQueue.Open("c1", Options());
        for (var i = 0; i < count; i++)
        {
            using var tx = queue.BeginTransaction();
            tx.Put(FlumeEvent.FromText($"event-{i}"));
            await tx.CommitAsync();
        }

        return LogFiles.List(Path.Combine(_root, "data")).Last().Path;
    }

    private static async Task<List<string>> DrainAsync(FileEventQueue queue)
    {
        var bodies = new List<string>();
        using var tx = queue.BeginTransaction();
        while (tx.Take() is { } e)
        {
            bodies.Add(Encoding.UTF8.GetString(e.Body.Span));
        }

        await tx.CommitAsync();
        return bodies;
    }

    [Fact]
    public void A_data_directory_that_does_not_exist_is_an_error_and_the_check_creates_nothing()
    {
        var error = Assert.Throws<FileChannelException>(() => FileChannelIntegrity.Run(Options(), repair: false));

        Assert.Equal($"data directory {Path.Combine(_root, "data")} does not exist", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public async Task A_channel_in_use_is_refused_naming_the_folder()
    {
        await using var queue = FileEventQueue.Open("c1", Options());

        var error = Assert.Throws<FileChannelException>(() => FileChannelIntegrity.Run(Options(), repair: false));

        Assert.StartsWith($"{Path.Combine(_root, "checkpoint")} is in use by another channel or process", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clean_channel_reports_its_records_and_no_damage()
    {
        await WriteEventsAsync(10);

        var report = FileChannelIntegrity.Run(Options(), repair: false);

        Assert.Equal(10, report.Puts);
        Assert.Equal(10, report.Commits);
        Assert.Empty(report.Problems);
        Assert.Contains("valid, 10 events queued", report.Checkpoint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_record_is_reported_then_repaired_and_only_that_event_is_lost()
    {
        var log = await WriteEventsAsync(10);
        var bytes = await File.ReadAllBytesAsync(log);
        var third = FindRecord(bytes, 2);
        bytes[third + 25] ^= 0xFF;
        await File.WriteAllBytesAsync(log, bytes);

        var check = FileChannelIntegrity.Run(Options(), repair: false);
        var problem = Assert.Single(check.Problems);
        Assert.Equal(log, problem.Path);
        Assert.Equal(third, problem.Offset);
        Assert.False(problem.Repaired);

        var repaired = FileChannelIntegrity.Run(Options(), repair: true);
        Assert.True(Assert.Single(repaired.Problems).Repaired);
        Assert.Empty(FileChannelIntegrity.Run(Options(), repair: false).Problems);

        await using var queue = FileEventQueue.Open("c1", Options());
        Assert.Equal(Enumerable.Range(0, 10).Where(i => i != 1).Select(i => $"event-{i}"), await DrainAsync(queue));
    }

    [Fact]
    public async Task A_torn_tail_is_cut_off_by_repair()
    {
        var log = await WriteEventsAsync(3);
        var length = new FileInfo(log).Length;
        await File.AppendAllTextAsync(log, "partial record bytes");

        var report = FileChannelIntegrity.Run(Options(), repair: true);

        Assert.Equal("torn last record", Assert.Single(report.Problems).What);
        Assert.Equal(length, new FileInfo(log).Length);
    }

    [Fact]
    public async Task It_refuses_to_touch_a_channel_that_is_open()
    {
        await using var queue = FileEventQueue.Open("c1", Options());

        var error = Assert.Throws<FileChannelException>(() => FileChannelIntegrity.Run(Options(), repair: true));
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The offset of the <paramref name="index"/>-th record (puts and commits alternate here).</summary>
    private static int FindRecord(byte[] log, int index)
    {
        var offset = 0;
        for (var i = 0; i < index; i++)
        {
            Assert.Equal(System.Buffers.OperationStatus.Done, LogRecord.TryRead(log.AsSpan(offset), out _, out _, out _, out var total));
            offset += total;
        }

        return offset;
    }
}
