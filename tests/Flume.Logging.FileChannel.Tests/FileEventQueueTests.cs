using System.Text;
using Flume.Logging.FileChannel.Log;
using Flume.Logging.Protocol;
using Flume.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.FileChannel.Tests;

public sealed class FileEventQueueTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("file-channel-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private FileChannelOptions Options(int capacity = 10_000, long maxFileSize = 64 * 1024 * 1024, int dataDirs = 1)
    {
        var options = new FileChannelOptions
        {
            CheckpointDir = Path.Combine(_root, "checkpoint"),
            Capacity = capacity,
            TransactionCapacity = Math.Min(1000, capacity),
            MaxFileSize = maxFileSize,
            MinimumRequiredSpace = 0,
            KeepAlive = TimeSpan.Zero,
            CheckpointInterval = TimeSpan.FromHours(1),
        };
        for (var i = 0; i < dataDirs; i++)
        {
            options.DataDirs.Add(Path.Combine(_root, $"data{i}"));
        }

        return options;
    }

    private static FlumeEvent Event(string body, string? header = null) =>
        FlumeEvent.FromText(body, header is null ? null : new Dictionary<string, string> { ["h"] = header, ["ü"] = "ñ" });

    private static string Text(FlumeEvent e) => Encoding.UTF8.GetString(e.Body.Span);

    private static async Task PutAsync(FileEventQueue queue, IEnumerable<string> bodies)
    {
        using var tx = queue.BeginTransaction();
        foreach (var body in bodies)
        {
            tx.Put(Event(body, header: body));
        }

        await tx.CommitAsync();
    }

    private static async Task<int> DrainAsync(FileEventQueue queue)
    {
        var total = 0;
        while (await TakeAsync(queue, 1000) is { Count: > 0 } taken)
        {
            total += taken.Count;
        }

        return total;
    }

    private static async Task<List<string>> TakeAsync(FileEventQueue queue, int max, bool commit = true)
    {
        var taken = new List<string>();
        var tx = queue.BeginTransaction();
        while (taken.Count < max && tx.Take() is { } e)
        {
            Assert.Equal(Text(e), e.Headers["h"]);
            Assert.Equal("ñ", e.Headers["ü"]);
            taken.Add(Text(e));
        }

        if (commit)
        {
            await tx.CommitAsync();
        }

        // Uncommitted takes are left open on purpose: the caller simulates a crash mid-transaction.
        return taken;
    }

    /// <summary>Where the last record of a log file ends, ahead of any preallocated zeros.</summary>
    private static long DataEnd(string path)
    {
        var result = LogScanner.Scan(path, 0, (_, _, _, _) => { });
        Assert.Equal(ScanEnd.Clean, result.End);
        return result.Offset;
    }

    private static IEnumerable<string> Range(int from, int count) => Enumerable.Range(from, count).Select(i => $"event-{i}");

    [Fact]
    public async Task Committed_puts_survive_a_clean_restart_in_order()
    {
        await using (var queue = FileEventQueue.Open("c1", Options()))
        {
            await PutAsync(queue, Range(0, 50));
            await PutAsync(queue, Range(50, 50));
        }

        await using var reopened = FileEventQueue.Open("c1", Options());
        Assert.Equal(Range(0, 100), await TakeAsync(reopened, 1000));
    }

    [Fact]
    public async Task Committed_puts_survive_a_crash_and_uncommitted_puts_do_not()
    {
        var queue = FileEventQueue.Open("c1", Options());
        await PutAsync(queue, Range(0, 10));
        var open = queue.BeginTransaction();
        open.Put(Event("never committed"));
        queue.Abandon();

        await using var reopened = FileEventQueue.Open("c1", Options());
        Assert.Equal(Range(0, 10), await TakeAsync(reopened, 1000));
    }

    [Fact]
    public async Task Replays_uncommitted_takes_after_crash_and_never_committed_ones()
    {
        var queue = FileEventQueue.Open("c1", Options());
        await PutAsync(queue, Range(0, 30));
        Assert.Equal(Range(0, 10), await TakeAsync(queue, 10));
        Assert.Equal(Range(10, 10), await TakeAsync(queue, 10, commit: false));
        queue.Abandon();

        await using var reopened = FileEventQueue.Open("c1", Options());
        Assert.Equal(Range(10, 20), await TakeAsync(reopened, 1000));
    }

    [Fact]
    public async Task Uncommitted_takes_at_a_checkpoint_come_back_after_a_crash()
    {
        var queue = FileEventQueue.Open("c1", Options());
        await PutAsync(queue, Range(0, 20));
        Assert.Equal(Range(0, 5), await TakeAsync(queue, 5, commit: false));
        queue.Checkpoint();
        queue.Abandon();

        await using var reopened = FileEventQueue.Open("c1", Options());
        Assert.Equal(Range(0, 20), await TakeAsync(reopened, 1000));
    }

    [Fact]
    public async Task Rolled_back_takes_return_to_the_head_in_order()
    {
        await using var queue = FileEventQueue.Open("c1", Options());
        await PutAsync(queue, Range(0, 5));
        using (var tx = queue.BeginTransaction())
        {
            tx.Take();
            tx.Take();
        }

        Assert.Equal(Range(0, 5), await TakeAsync(queue, 100));
    }

    [Fact]
    public async Task A_torn_last_record_is_cut_off_and_everything_before_it_survives()
    {
        var queue = FileEventQueue.Open("c1", Options());
        await PutAsync(queue, Range(0, 10));
        queue.Abandon();
        var log = LogFiles.List(Path.Combine(_root, "data0")).Last().Path;
        var valid = DataEnd(log);
        using (var handle = File.OpenHandle(log, FileMode.Open, FileAccess.Write))
        {
            // The first bytes of a record whose write the crash interrupted, in the zeros written ahead.
            RandomAccess.Write(handle, [.. BitConverter.GetBytes(LogRecord.Magic), .. BitConverter.GetBytes(5000), .. new byte[100]], valid);
        }

        await using var reopened = FileEventQueue.Open("c1", Options());
        Assert.Equal(valid, new FileInfo(log).Length);
        Assert.Equal(Range(0, 10), await TakeAsync(reopened, 1000));
    }

    [Fact]
    public async Task Corruption_in_the_middle_stops_the_start_naming_the_file_and_offset()
    {
        var queue = FileEventQueue.Open("c1", Options());
        await PutAsync(queue, Range(0, 10));
        await PutAsync(queue, Range(10, 10));
        queue.Abandon();
        File.Delete(Path.Combine(_root, "checkpoint", Log.Checkpoint.FileName));
        var log = LogFiles.List(Path.Combine(_root, "data0")).Last().Path;
        var bytes = await File.ReadAllBytesAsync(log);
        bytes[200] ^= 0xFF;
        await File.WriteAllBytesAsync(log, bytes);

        var error = Assert.Throws<FileChannelException>(() => FileEventQueue.Open("c1", Options()));
        Assert.Contains(log, error.Message, StringComparison.Ordinal);
        Assert.Contains("offset", error.Message, StringComparison.Ordinal);
        Assert.Contains("check-channel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_queue_on_the_same_folders_is_refused_as_in_use()
    {
        await using var first = FileEventQueue.Open("c1", Options());

        var error = Assert.Throws<FileChannelException>(() => FileEventQueue.Open("c2", Options()));

        Assert.Contains($"channel c2: {Path.Combine(_root, "checkpoint")} is in use by another channel or process", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_that_cannot_be_created_is_named_as_such_not_as_in_use()
    {
        // A checkpoint folder under a regular file cannot exist.
        var blocker = Path.Combine(_root, "a-file");
        File.WriteAllText(blocker, "");
        var options = Options();
        options.CheckpointDir = Path.Combine(blocker, "checkpoint");

        var error = Assert.Throws<FileChannelException>(() => FileEventQueue.Open("c1", options));

        Assert.Contains($"channel c1: cannot create the checkpointDir folder {options.CheckpointDir}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_folder_that_cannot_be_created_is_named_by_its_setting()
    {
        var blocker = Path.Combine(_root, "a-file");
        File.WriteAllText(blocker, "");
        var options = Options();
        options.DataDirs.Add(Path.Combine(blocker, "data"));

        var error = Assert.Throws<FileChannelException>(() => FileEventQueue.Open("c1", options));

        Assert.Contains($"channel c1: cannot create the dataDirs folder {Path.Combine(blocker, "data")}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_checkpoint_replays_every_log_file()
    {
        await using (var queue = FileEventQueue.Open("c1", Options()))
        {
            await PutAsync(queue, Range(0, 40));
            await TakeAsync(queue, 15);
        }

        File.Delete(Path.Combine(_root, "checkpoint", Log.Checkpoint.FileName));

        await using var reopened = FileEventQueue.Open("c1", Options());
        Assert.Equal(Range(15, 25), await TakeAsync(reopened, 1000));
    }

    [Fact]
    public async Task A_corrupt_checkpoint_falls_back_to_the_backup()
    {
        var options = Options();
        options.UseDualCheckpoints = true;
        options.BackupCheckpointDir = Path.Combine(_root, "backup");
        await using (var queue = FileEventQueue.Open("c1", options))
        {
            await PutAsync(queue, Range(0, 12));
        }

        var primary = Path.Combine(_root, "checkpoint", Log.Checkpoint.FileName);
        var bytes = await File.ReadAllBytesAsync(primary);
        bytes[^8] ^= 0x55;
        await File.WriteAllBytesAsync(primary, bytes);

        await using var reopened = FileEventQueue.Open("c1", options);
        Assert.Equal(Range(0, 12), await TakeAsync(reopened, 1000));
    }

    [Fact]
    public async Task A_smaller_capacity_does_not_brick_the_channel()
    {
        await using (var queue = FileEventQueue.Open("c1", Options(capacity: 1000)))
        {
            await PutAsync(queue, Range(0, 100));
        }

        await using var reopened = FileEventQueue.Open("c1", Options(capacity: 50));
        await Assert.ThrowsAsync<FileChannelFullException>(async () => await PutAsync(reopened, ["one more"]));
        Assert.Equal(Range(0, 50), await TakeAsync(reopened, 50));
        Assert.Equal(Range(50, 50), await TakeAsync(reopened, 50));
        await PutAsync(reopened, ["one more"]);
    }

    [Fact]
    public async Task Below_minimum_space_puts_fail_takes_work_and_puts_recover_when_space_returns()
    {
        var free = long.MaxValue;
        var options = Options();
        options.MinimumRequiredSpace = 1000;
        options.FreeSpace = _ => free;
        var time = new FakeTimeProvider();
        await using var queue = FileEventQueue.Open("c1", options, time);
        await PutAsync(queue, Range(0, 10));

        free = 10;
        time.Advance(TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<FileChannelException>(async () => await PutAsync(queue, ["refused"]));
        Assert.Contains("minimumRequiredSpace", error.Message, StringComparison.Ordinal);
        Assert.Equal(Range(0, 10), await TakeAsync(queue, 100));

        free = long.MaxValue;
        time.Advance(TimeSpan.FromSeconds(1));
        await PutAsync(queue, ["accepted again"]);
        Assert.Equal(["accepted again"], await TakeAsync(queue, 100));
    }

    [Fact]
    public async Task Puts_stop_while_minimumRequiredSpace_is_still_free_between_readings_of_the_free_space()
    {
        // The file system is asked at most every 250 ms: this one reports the same figure throughout, and the clock
        // does not move, so only the bytes the log writes can tell the channel that the space is going.
        const long minimum = 1024 * 1024;
        const long reported = minimum + DataLog.PreallocationBytes + (3 * 1024 * 1024);
        var options = Options();
        options.MinimumRequiredSpace = minimum;
        options.FreeSpace = _ => reported;
        await using var queue = FileEventQueue.Open("c1", options, new FakeTimeProvider());
        var dataDir = Path.Combine(_root, "data0");
        var body = new string('x', 1000);

        var batches = 0;
        FileChannelException? refused = null;
        while (refused is null && batches < 100)
        {
            try
            {
                await PutAsync(queue, Enumerable.Repeat(body, 100));
                batches++;
            }
            catch (FileChannelException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.Contains("minimumRequiredSpace", refused.Message, StringComparison.Ordinal);

        // The log, with the zeros it wrote ahead, took at most the space above the reserve, and still took some of
        // it: each batch is about 200 KB, and the log may claim a megabyte more than its records at any time.
        var written = LogFiles.List(dataDir).Sum(f => new FileInfo(f.Path).Length);
        Assert.InRange(written, 2 * 1024 * 1024, reported - minimum);
        Assert.InRange(batches, 5, 20);

        // The reserve is there for takes: the whole channel drains.
        Assert.Equal(batches * 100, await DrainAsync(queue));
    }

    [Fact]
    public async Task A_channel_that_filled_its_disk_drains_and_takes_puts_again_once_a_checkpoint_frees_the_file()
    {
        // A fake 8 MiB disk holding nothing but the log.
        const long disk = 8 * 1024 * 1024;
        var dataDir = Path.Combine(_root, "data0");
        var options = Options();
        options.MinimumRequiredSpace = 1024 * 1024;
        options.FreeSpace = _ => disk - LogFiles.List(dataDir).Sum(f => new FileInfo(f.Path).Length);
        var time = new FakeTimeProvider();
        await using var queue = FileEventQueue.Open("c1", options, time);
        var body = new string('x', 1000);

        async Task<int> FillAsync()
        {
            var put = 0;
            while (put < 100_000)
            {
                try
                {
                    await PutAsync(queue, Enumerable.Repeat(body, 100));
                    put += 100;
                    time.Advance(TimeSpan.FromMilliseconds(100));
                }
                catch (FileChannelException e)
                {
                    Assert.Contains("minimumRequiredSpace", e.Message, StringComparison.Ordinal);
                    return put;
                }
            }

            throw new InvalidOperationException("puts were never refused");
        }

        var put = await FillAsync();
        Assert.InRange(put, 1000, 4000);
        Assert.True(options.FreeSpace(dataDir) >= options.MinimumRequiredSpace, "the reserve was used by puts");
        Assert.Equal(put, await DrainAsync(queue));

        // Drained, but the file being written keeps its space: the next puts soon find the disk full again.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(await FillAsync(), await DrainAsync(queue));
        Assert.True(options.FreeSpace(dataDir) < 3 * 1024 * 1024);

        // A checkpoint starts a new file and deletes the drained one.
        queue.Checkpoint();
        time.Advance(TimeSpan.FromSeconds(1));
        await PutAsync(queue, Enumerable.Repeat(body, 100));
        Assert.Equal(100, await DrainAsync(queue));
        Assert.Single(LogFiles.List(dataDir));
        Assert.True(options.FreeSpace(dataDir) > disk - (2 * 1024 * 1024));
    }

    [Fact]
    public async Task A_disk_filled_with_small_events_keeps_the_room_to_take_each_in_a_transaction_of_its_own()
    {
        // A fake 4 MiB disk holding nothing but the log, and no minimumRequiredSpace: what taking the events back
        // writes (a take record each, and a commit per transaction) must fit all the same, or the channel never drains.
        const long disk = 4 * 1024 * 1024;
        var dataDir = Path.Combine(_root, "data0");
        var options = Options(capacity: 1_000_000);
        options.FsyncPerTransaction = false;
        options.FreeSpace = _ => disk - LogFiles.List(dataDir).Sum(f => new FileInfo(f.Path).Length);
        var time = new FakeTimeProvider();
        await using var queue = FileEventQueue.Open("c1", options, time);

        var put = 0;
        while (put < 1_000_000)
        {
            try
            {
                await PutAsync(queue, Enumerable.Repeat("x", 1000));
                put += 1000;
                time.Advance(TimeSpan.FromSeconds(1));
            }
            catch (FileChannelException e)
            {
                Assert.Contains("needed to take back the", e.Message, StringComparison.Ordinal);
                break;
            }
        }

        Assert.InRange(put, 1000, 999_000);

        // As Flume's logger sink takes them: one event per transaction.
        for (var i = 0; i < put; i++)
        {
            Assert.Single(await TakeAsync(queue, 1));
        }

        Assert.True(options.FreeSpace(dataDir) >= 0, $"taking {put} events wrote {-options.FreeSpace(dataDir)} bytes more than the disk holds");
    }

    [Fact]
    public async Task Log_files_whose_events_are_all_taken_are_deleted_at_checkpoint()
    {
        var dataDir = Path.Combine(_root, "data0");
        await using var queue = FileEventQueue.Open("c1", Options(maxFileSize: 1024 * 1024));
        var body = new string('x', 1000);
        for (var batch = 0; batch < 40; batch++)
        {
            await PutAsync(queue, Enumerable.Repeat(body, 100));
        }

        Assert.True(LogFiles.List(dataDir).Count >= 3);
        for (var i = 0; i < 4; i++)
        {
            await TakeAsync(queue, 1000);
        }

        queue.Checkpoint();
        Assert.Single(LogFiles.List(dataDir));
    }

    [Fact]
    public async Task Events_beyond_the_memory_budget_are_read_back_from_disk_intact()
    {
        var options = Options();
        options.EventCacheBytes = 0;
        await using var queue = FileEventQueue.Open("c1", options);
        await PutAsync(queue, Range(0, 100));

        Assert.Equal(Range(0, 100), await TakeAsync(queue, 1000));
    }

    [Fact]
    public async Task Events_read_back_after_their_pages_left_the_page_cache_are_intact()
    {
        var options = Options(capacity: 100_000);
        options.EventCacheBytes = 0;
        await using var queue = FileEventQueue.Open("c1", options);
        var padding = new string('p', 400);

        // More than the flushed log the channel lets accumulate before dropping its pages from the OS cache.
        var bodies = Enumerable.Range(0, 50_000).Select(i => $"event-{i}-{padding}").ToList();
        Assert.True(bodies.Sum(b => b.Length) > 1.2 * DataLog.CacheReleaseBytes);
        for (var i = 0; i < bodies.Count; i += 1000)
        {
            await PutAsync(queue, bodies.Skip(i).Take(1000));
        }

        var taken = new List<string>();
        while (taken.Count < bodies.Count)
        {
            var batch = await TakeAsync(queue, 1000);
            Assert.NotEmpty(batch);
            taken.AddRange(batch);
        }

        Assert.Equal(bodies, taken);
    }

    [Fact]
    public async Task Transactions_spread_over_several_data_directories_replay_in_commit_order()
    {
        var queue = FileEventQueue.Open("c1", Options(dataDirs: 3));
        for (var i = 0; i < 30; i++)
        {
            await PutAsync(queue, Range(i * 10, 10));
        }

        await TakeAsync(queue, 55);
        queue.Abandon();

        Assert.All(Enumerable.Range(0, 3), d => Assert.NotEmpty(LogFiles.List(Path.Combine(_root, $"data{d}"))));
        await using var reopened = FileEventQueue.Open("c1", Options(dataDirs: 3));
        Assert.Equal(Range(55, 245), await TakeAsync(reopened, 1000));
    }

    [Fact]
    public async Task A_second_channel_on_the_same_directories_fails_naming_the_directory()
    {
        await using var queue = FileEventQueue.Open("c1", Options());

        var error = Assert.Throws<FileChannelException>(() => FileEventQueue.Open("c2", Options()));
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
        Assert.Contains(_root, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_producers_and_consumers_across_a_crash_lose_nothing()
    {
        var options = Options(capacity: 100_000);
        var queue = FileEventQueue.Open("c1", options);
        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < 2000; i += 50)
            {
                await PutAsync(queue, Range((p * 100_000) + i, 50));
            }
        })).ToArray();
        var consumed = new List<string>();
        var consumer = Task.Run(async () =>
        {
            for (var round = 0; round < 60; round++)
            {
                consumed.AddRange(await TakeAsync(queue, 100));
            }
        });
        await Task.WhenAll(producers);
        await consumer;
        queue.Abandon();

        await using var reopened = FileEventQueue.Open("c1", options);
        var rest = await TakeAsync(reopened, 1000);
        while (rest.Count > 0)
        {
            consumed.AddRange(rest);
            rest = await TakeAsync(reopened, 1000);
        }

        Assert.Equal(8000, consumed.Count);
        Assert.Equal(8000, consumed.Distinct().Count());
    }

    [Fact]
    public async Task A_full_disk_fails_the_commit_whole_keeps_takes_working_and_recovers_when_space_returns()
    {
        var full = false;
        var options = Options();
        options.Writer = (handle, bytes, offset) =>
        {
            if (full)
            {
                // What ENOSPC looks like: part of the write lands, then the error.
                RandomAccess.Write(handle, bytes[..(bytes.Length / 2)], offset);
                throw new IOException("No space left on device");
            }

            RandomAccess.Write(handle, bytes, offset);
        };
        var log = Path.Combine(_root, "data0");
        var queue = FileEventQueue.Open("c1", options);
        await PutAsync(queue, Range(0, 10));
        var before = DataEnd(LogFiles.List(log).Last().Path);

        full = true;
        var error = await Assert.ThrowsAsync<FileChannelException>(async () => await PutAsync(queue, Range(100, 10)));
        Assert.Contains(log, error.Message, StringComparison.Ordinal);
        Assert.Contains("No space left", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, new FileInfo(LogFiles.List(log).Last().Path).Length);

        full = false;
        Assert.Equal(Range(0, 5), await TakeAsync(queue, 5));
        await PutAsync(queue, Range(200, 3));
        queue.Abandon();

        await using var reopened = FileEventQueue.Open("c1", Options());
        Assert.Equal(Range(5, 5).Concat(Range(200, 3)), await TakeAsync(reopened, 1000));
    }

    [Fact]
    public async Task A_crash_leaves_preallocated_zeros_that_replay_reads_as_the_end_of_the_log()
    {
        var queue = FileEventQueue.Open("c1", Options());
        await PutAsync(queue, Range(0, 10));
        queue.Abandon();
        var log = LogFiles.List(Path.Combine(_root, "data0")).Last().Path;
        var dataEnd = DataEnd(log);
        Assert.True(new FileInfo(log).Length > dataEnd, "the writer extends the file ahead of its records");

        using var logs = new CapturingLoggerFactory();
        var reopened = FileEventQueue.Open("c1", Options(), logger: logs.CreateLogger("test"));
        Assert.Equal(dataEnd, new FileInfo(log).Length);
        Assert.False(logs.Contains("torn"), logs.Dump());
        await PutAsync(reopened, Range(10, 5));
        reopened.Abandon();

        await using var again = FileEventQueue.Open("c1", Options());
        Assert.Equal(Range(0, 15), await TakeAsync(again, 1000));
    }

    [Fact]
    public async Task Rolled_and_closed_log_files_keep_no_preallocated_zeros()
    {
        var directory = Path.Combine(_root, "data0");
        await using (var queue = FileEventQueue.Open("c1", Options(capacity: 100_000, maxFileSize: 3 * DataLog.PreallocationBytes)))
        {
            for (var i = 0; i < 40; i++)
            {
                await PutAsync(queue, Enumerable.Range(i * 1000, 1000).Select(n => $"event-{n}-{new string('x', 100)}"));
            }

            var files = LogFiles.List(directory);
            Assert.True(files.Count > 1, "the log rolled");
            foreach (var (_, path) in files.SkipLast(1))
            {
                Assert.Equal(DataEnd(path), new FileInfo(path).Length);
            }

            Assert.True(new FileInfo(files[^1].Path).Length > DataEnd(files[^1].Path), "the file being written is extended ahead");
        }

        foreach (var (_, path) in LogFiles.List(directory))
        {
            Assert.Equal(DataEnd(path), new FileInfo(path).Length);
        }
    }

    [Fact]
    public async Task Records_after_a_run_of_zeros_are_corruption_not_an_end()
    {
        var queue = FileEventQueue.Open("c1", Options());
        await PutAsync(queue, Range(0, 10));
        await PutAsync(queue, Range(10, 10));
        queue.Abandon();
        File.Delete(Path.Combine(_root, "checkpoint", Log.Checkpoint.FileName));
        var log = LogFiles.List(Path.Combine(_root, "data0")).Last().Path;
        using (var handle = File.OpenHandle(log, FileMode.Open, FileAccess.Write))
        {
            RandomAccess.Write(handle, new byte[64], 0);
        }

        var error = Assert.Throws<FileChannelException>(() => FileEventQueue.Open("c1", Options()));
        Assert.Contains($"{log} is corrupt at offset 0", error.Message, StringComparison.Ordinal);
    }
}
