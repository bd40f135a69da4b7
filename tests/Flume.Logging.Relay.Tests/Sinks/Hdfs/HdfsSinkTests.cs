using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Flume.Logging.Hdfs;
using Flume.Logging.Hdfs.FileSystem;
using Flume.Logging.Hdfs.Formats;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Relay.Sinks.Hdfs;
using Flume.Logging.Testing;
using Flume.Logging.Testing.Hdfs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Sinks.Hdfs;

/// <summary>The hdfs sink against a test HDFS cluster on 127.0.0.1, on a manual clock for rolling.</summary>
public sealed partial class HdfsSinkTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly long StartMillis = Start.ToUnixTimeMilliseconds();

    private readonly FakeTimeProvider _time = new(Start);
    private readonly MemoryChannel _channel;
    private TestHdfsCluster _cluster = new();
    private HdfsFileSystem? _reader;

    public HdfsSinkTests()
    {
        _channel = new MemoryChannel(
            "c1", new MemoryChannelOptions { Capacity = 10_000, TransactionCapacity = 1000, KeepAlive = TimeSpan.Zero },
            _time, NullLogger<MemoryChannel>.Instance);
    }

    private HdfsFileSystem Reader => _reader ??= _cluster.CreateFileSystem();

    public async ValueTask DisposeAsync()
    {
        if (_reader is not null)
        {
            await _reader.DisposeAsync();
        }

        await _cluster.DisposeAsync();
    }

    private HdfsSink CreateSink(Dictionary<string, string>? extra = null, ILoggerFactory? loggers = null)
    {
        var properties = new Dictionary<string, string>
        {
            ["hdfs.path"] = _cluster.Uri + "flume",
            ["hdfs.fileType"] = "DataStream",
            ["hdfs.rollCount"] = "0",
            ["hdfs.rollSize"] = "0",
            ["hdfs.rollInterval"] = "0",
        };
        foreach (var (key, value) in extra ?? [])
        {
            properties[key] = value;
        }

        var options = HdfsSinkOptions.From(new ComponentContext("k1", "a1.sinks.k1.", properties));
        return new HdfsSink("k1", _channel, options, _time, loggers ?? NullLoggerFactory.Instance);
    }

    private Task PutAsync(params FlumeEvent[] events) => _channel.PutAsync(events);

    private Task PutTextAsync(params string[] lines) => _channel.PutTextAsync(lines);

    /// <summary>The files under /flume (the NameNode lists directories too; every file name here has a dot).</summary>
    private IReadOnlyList<string> Files() =>
        [.. _cluster.NameNode.Paths().Where(p => p.StartsWith("/flume/", StringComparison.Ordinal) && Path.GetFileName(p).Contains('.', StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private async Task<string> ReadTextAsync(string path) => Encoding.UTF8.GetString(await Reader.ReadAllBytesAsync(path));

    private static string Name(long counterOffset, string suffix = "") =>
        string.Create(CultureInfo.InvariantCulture, $"/flume/FlumeData.{StartMillis + counterOffset}{suffix}");

    [Fact]
    public async Task A_take_is_written_to_an_in_use_file_and_hflushed_before_it_commits()
    {
        using var sink = CreateSink();
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("one", "two", "three");

        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));

        Assert.Equal([Name(1, ".tmp")], Files());
        Assert.Equal("one\ntwo\nthree\n", await ReadTextAsync(Name(1, ".tmp")));
        Assert.Equal(0, _channel.Size);
        Assert.Equal(3, sink.Counter.EventDrainSuccessCount);
        Assert.Equal(1, sink.Counter.BatchUnderflowCount);
        Assert.Equal(1, sink.Counter.ConnectionCreatedCount);
        await sink.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stopping_closes_every_open_file_and_renames_it_to_its_final_name()
    {
        using var sink = CreateSink();
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("one");
        await sink.ProcessAsync(CancellationToken.None);

        await sink.StopAsync(CancellationToken.None);

        Assert.Equal([Name(1)], Files());
        Assert.Equal("one\n", await ReadTextAsync(Name(1)));
        Assert.Null(_cluster.NameNode.LeaseHolder(Name(1)));
        Assert.Equal(1, sink.Counter.ConnectionClosedCount);
    }

    [Fact]
    public async Task A_file_rolls_after_rollCount_events_and_the_next_event_opens_a_new_one()
    {
        using var sink = CreateSink(new() { ["hdfs.rollCount"] = "2" });
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("a", "b", "c", "d", "e");

        await sink.ProcessAsync(CancellationToken.None);

        Assert.Equal([Name(1), Name(2), Name(3, ".tmp")], Files());
        Assert.Equal("a\nb\n", await ReadTextAsync(Name(1)));
        Assert.Equal("c\nd\n", await ReadTextAsync(Name(2)));
        Assert.Equal("e\n", await ReadTextAsync(Name(3, ".tmp")));
        await sink.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_file_rolls_once_its_event_bodies_reach_rollSize_bytes()
    {
        using var sink = CreateSink(new() { ["hdfs.rollSize"] = "10" });
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("12345", "67890", "x");

        await sink.ProcessAsync(CancellationToken.None);

        Assert.Equal([Name(1), Name(2, ".tmp")], Files());
        Assert.Equal("12345\n67890\n", await ReadTextAsync(Name(1)));
        await sink.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_file_rolls_on_the_timer_rollInterval_after_it_was_opened_even_with_no_further_events()
    {
        using var sink = CreateSink(new() { ["hdfs.rollInterval"] = "30" });
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("a");
        await sink.ProcessAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(29));
        await sink.TickAsync();
        Assert.Equal([Name(1, ".tmp")], Files());

        _time.Advance(TimeSpan.FromSeconds(1));
        await sink.TickAsync();
        Assert.Equal([Name(1)], Files());
        await sink.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_file_no_event_was_written_to_for_idleTimeout_is_closed()
    {
        using var sink = CreateSink(new() { ["hdfs.idleTimeout"] = "10" });
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("a");
        await sink.ProcessAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(8));
        await PutTextAsync("b");
        await sink.ProcessAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(8));
        await sink.TickAsync();
        Assert.Equal([Name(1, ".tmp")], Files());

        _time.Advance(TimeSpan.FromSeconds(2));
        await sink.TickAsync();
        Assert.Equal([Name(1)], Files());
        Assert.Equal("a\nb\n", await ReadTextAsync(Name(1)));
        await sink.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Beyond_maxOpenFiles_the_least_recently_written_bucket_is_closed()
    {
        using var sink = CreateSink(new() { ["hdfs.path"] = _cluster.Uri + "flume/%{app}", ["hdfs.maxOpenFiles"] = "2" });
        await sink.StartAsync(CancellationToken.None);
        await PutAsync(Event("1", "a"), Event("2", "b"), Event("3", "a"), Event("4", "c"));

        await sink.ProcessAsync(CancellationToken.None);

        var files = Files();
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"/flume/b/FlumeData.{StartMillis + 1}"), files);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"/flume/a/FlumeData.{StartMillis + 1}.tmp"), files);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"/flume/c/FlumeData.{StartMillis + 1}.tmp"), files);
        Assert.Equal(2, sink.OpenFiles.Count);
        await sink.StopAsync(CancellationToken.None);

        static FlumeEvent Event(string body, string app) =>
            new(new Dictionary<string, string> { ["app"] = app }, Encoding.UTF8.GetBytes(body));
    }

    [Fact]
    public async Task Safe_mode_rolls_the_take_back_and_the_events_are_written_once_it_ends()
    {
        using var sink = CreateSink();
        await sink.StartAsync(CancellationToken.None);
        _cluster.NameNode.InSafeMode = true;
        await PutTextAsync("a", "b");

        await Assert.ThrowsAnyAsync<IOException>(() => sink.ProcessAsync(CancellationToken.None).AsTask());
        Assert.Equal(2, _channel.Size);
        Assert.Equal(1, sink.Counter.ConnectionFailedCount);

        _cluster.NameNode.InSafeMode = false;
        await sink.ProcessAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);

        Assert.Equal(0, _channel.Size);
        Assert.Equal("a\nb\n", await ReadTextAsync(Files().Single()));
    }

    [Fact]
    public async Task Each_cause_of_failure_is_logged_once_by_Hadoops_exception_name_until_writing_works_again()
    {
        using var loggers = new CapturingLoggerFactory();
        using var sink = CreateSink(loggers: loggers);
        await sink.StartAsync(CancellationToken.None);
        _cluster.NameNode.InSafeMode = true;
        await PutTextAsync("a");

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAnyAsync<IOException>(() => sink.ProcessAsync(CancellationToken.None).AsTask());
        }

        _cluster.NameNode.InSafeMode = false;
        await sink.ProcessAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);

        var warnings = loggers.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("cannot write", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings);
        Assert.Contains("SafeModeException", warnings[0].Message, StringComparison.Ordinal);
        Assert.True(loggers.Contains("writes again after org.apache.hadoop.hdfs.server.namenode.SafeModeException", LogLevel.Information), loggers.Dump());
    }

    [Fact]
    public async Task A_stream_that_fails_is_abandoned_its_lease_recovered_and_renamed_and_the_take_written_again_to_a_new_file()
    {
        using var sink = CreateSink();
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("first");
        await sink.ProcessAsync(CancellationToken.None);
        _cluster.DataNodes[0].ErrorAfterBytes = 0;
        await PutTextAsync("second");

        await Assert.ThrowsAnyAsync<IOException>(() => sink.ProcessAsync(CancellationToken.None).AsTask());

        Assert.Equal(1, _channel.Size);
        Assert.Equal(1, sink.PendingFiles);

        await sink.TickAsync();
        Assert.Equal([Name(1)], Files());
        Assert.Equal("first\n", await ReadTextAsync(Name(1)));
        await sink.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_DataNode_dying_mid_run_loses_no_event()
    {
        await _cluster.DisposeAsync();
        _cluster = new TestHdfsCluster(dataNodes: 3, blockSize: 64 * 1024, replication: 2);
        using var sink = CreateSink(new() { ["hdfs.rollCount"] = "500", ["hdfs.batchSize"] = "50" });
        await sink.StartAsync(CancellationToken.None);
        _cluster.DataNodes[0].DieAfterBytes = 3_000;
        var expected = Enumerable.Range(0, 2000).Select(i => string.Create(CultureInfo.InvariantCulture, $"event-{i:D5}-{new string('x', 40)}")).ToList();
        foreach (var chunk in expected.Chunk(500))
        {
            await PutTextAsync(chunk);
        }

        for (var step = 0; step < 200 && _channel.Size > 0; step++)
        {
            try
            {
                await sink.ProcessAsync(CancellationToken.None);
            }
            catch (IOException)
            {
                // Rolled back: written again by the next step.
            }
        }

        await sink.StopAsync(CancellationToken.None);
        Assert.Equal(0, _channel.Size);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Files())
        {
            Assert.DoesNotContain(".tmp", file, StringComparison.Ordinal);
            written.UnionWith((await ReadTextAsync(file)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        Assert.Empty(expected.Except(written));
    }

    [Fact]
    public async Task A_roll_whose_close_fails_abandons_the_file_then_recovers_its_lease_and_renames_it()
    {
        using var sink = CreateSink(new() { ["hdfs.rollCount"] = "2" });
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("a");
        await sink.ProcessAsync(CancellationToken.None);
        _cluster.DataNodes[0].ErrorAfterBytes = 2;
        await PutTextAsync("b");

        await Assert.ThrowsAnyAsync<IOException>(() => sink.ProcessAsync(CancellationToken.None).AsTask());
        Assert.Equal(1, _channel.Size);
        Assert.Equal(1, sink.PendingFiles);

        await sink.TickAsync();
        Assert.Equal([Name(1)], Files());
        Assert.Null(_cluster.NameNode.LeaseHolder(Name(1)));
        Assert.StartsWith("a\n", await ReadTextAsync(Name(1)), StringComparison.Ordinal);
        Assert.Equal(0, sink.PendingFiles);
        await sink.StopAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(2, false)]
    public async Task A_failed_rename_is_tried_again_every_retryInterval_up_to_closeTries_attempts(int closeTries, bool renamedInTheEnd)
    {
        using var sink = CreateSink(new() { ["hdfs.rollCount"] = "1", ["hdfs.closeTries"] = closeTries.ToString(CultureInfo.InvariantCulture), ["hdfs.retryInterval"] = "10" });
        await sink.StartAsync(CancellationToken.None);

        // The blocker is another user's (flume's) file, in a directory both may write to.
        _cluster.NameNode.AddDirectory("/flume", "flume", OpenToAll);
        var blocker = await Reader.CreateAsync(Name(1));
        await blocker.CloseAsync();
        await PutTextAsync("a");

        await sink.ProcessAsync(CancellationToken.None);
        Assert.Equal(1, sink.PendingFiles);
        _time.Advance(TimeSpan.FromSeconds(9));
        await sink.TickAsync();
        Assert.Equal(1, sink.PendingFiles);
        _time.Advance(TimeSpan.FromSeconds(1));
        await sink.TickAsync();
        Assert.Equal(closeTries > 2 ? 1 : 0, sink.PendingFiles);
        await Reader.DeleteAsync(Name(1));
        _time.Advance(TimeSpan.FromSeconds(10));
        await sink.TickAsync();

        Assert.Equal(0, sink.PendingFiles);
        Assert.Equal(renamedInTheEnd ? [Name(1)] : [Name(1, ".tmp")], Files());
        await sink.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_file_a_crash_left_in_use_is_recovered_and_renamed_as_the_sink_starts()
    {
        // The crashed relay ran as the same user as the sink (no User given: HADOOP_USER_NAME or the process's user).
        await using (var crashed = _cluster.CreateFileSystem(new HdfsClientOptions()))
        {
            var stream = await crashed.CreateAsync("/flume/2026/FlumeData.1234.tmp");
            await stream.WriteAsync("left\n"u8.ToArray());
            await stream.HFlushAsync();
            await stream.DisposeAsync();
            var other = await crashed.CreateAsync("/flume/2026/Other.1.tmp");
            await other.CloseAsync();
        }

        using var sink = CreateSink(new() { ["hdfs.path"] = _cluster.Uri + "flume/%Y", ["hdfs.useLocalTimeStamp"] = "true" });

        await sink.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(() => Files().Contains("/flume/2026/FlumeData.1234"), "the file renamed");
        Assert.Contains("/flume/2026/Other.1.tmp", Files());
        Assert.Null(_cluster.NameNode.LeaseHolder("/flume/2026/FlumeData.1234"));
        Assert.Equal("left\n", await ReadTextAsync("/flume/2026/FlumeData.1234"));
        await sink.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_NameNode_that_is_down_does_not_hold_up_the_start_and_the_stop_ends_the_wait_for_it()
    {
        // Port 1 refuses at once; the NameNode client then waits to call again, on the test's clock that never moves.
        using var sink = CreateSink(new() { ["hdfs.path"] = "hdfs://127.0.0.1:1/flume" });

        await sink.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        await sink.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_step_retrying_a_NameNode_that_is_down_fails_at_once_when_the_stop_begins_and_the_event_stays()
    {
        // Port 1 refuses at once, and the client pauses before each new try; the call timeout runs on the test's clock,
        // which never moves, so only the stop can end the step.
        using var sink = CreateSink(new() { ["hdfs.path"] = "hdfs://127.0.0.1:1/flume" });
        await sink.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await PutTextAsync("kept");

        var step = sink.ProcessAsync(CancellationToken.None).AsTask();
        await Task.Delay(300);
        Assert.False(step.IsCompleted, "the step waits to call the NameNode again");
        ((ISink)sink).OnStopRequested();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => step.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _channel.Size);
        await sink.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_event_without_the_timestamp_its_path_needs_is_dropped_and_counted_and_the_rest_are_written()
    {
        using var sink = CreateSink(new() { ["hdfs.path"] = _cluster.Uri + "flume/%Y-%m-%d" });
        await sink.StartAsync(CancellationToken.None);
        var stamped = new FlumeEvent(new Dictionary<string, string> { ["timestamp"] = StartMillis.ToString(CultureInfo.InvariantCulture) }, "kept"u8.ToArray());
        await PutAsync(FlumeEvent.FromText("no time"), stamped);

        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));
        await sink.StopAsync(CancellationToken.None);

        Assert.Equal(0, _channel.Size);
        Assert.Equal(1, sink.Counter.EventDropCount);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"/flume/2026-12-05/FlumeData.{StartMillis + 1}"), Files().Single());
        Assert.Equal("kept\n", await ReadTextAsync(Files().Single()));
    }

    [Fact]
    public async Task Drops_that_go_on_are_warned_about_again_each_minute_with_their_count()
    {
        var logs = new CapturingLoggerFactory();
        using var sink = CreateSink(new() { ["hdfs.path"] = _cluster.Uri + "flume/%Y-%m-%d" }, logs);
        await sink.StartAsync(CancellationToken.None);
        await PutAsync(FlumeEvent.FromText("1"), FlumeEvent.FromText("2"), FlumeEvent.FromText("3"));
        await sink.ProcessAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(61));
        await PutAsync(FlumeEvent.FromText("4"));
        await sink.ProcessAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);

        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("cannot be formatted", StringComparison.Ordinal))
            .Select(e => e.Message).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("hdfs sink k1 drops events whose path cannot be formatted", warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("hdfs sink k1 dropped 3 more events whose path cannot be formatted in the last 61 s", warnings[1], StringComparison.Ordinal);
        Assert.Equal(4, sink.Counter.EventDropCount);
    }

    [Fact]
    public async Task SequenceFiles_hold_the_timestamp_keyed_bodies_and_are_read_by_hdfs_cli()
    {
        using var sink = CreateSink(new() { ["hdfs.fileType"] = "SequenceFile", ["hdfs.codeC"] = "gzip" });
        await sink.StartAsync(CancellationToken.None);
        await PutAsync(new FlumeEvent(new Dictionary<string, string> { ["timestamp"] = "42" }, "body"u8.ToArray()));
        await sink.ProcessAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);

        var path = Name(1, ".gz");
        var reader = new SequenceFileReader(new MemoryStream(await Reader.ReadAllBytesAsync(path)));
        Assert.Equal("org.apache.hadoop.io.BytesWritable", reader.ValueClassName);
        Assert.True(reader.TryRead(out var record));
        Assert.Equal(42, BinaryPrimitives.ReadInt64BigEndian(record.Key));
        Assert.Equal("body"u8.ToArray(), record.Value[4..]);
        Assert.False(reader.TryRead(out _));

        var (code, listing) = await _cluster.RunCliAsync("ls", "/flume");
        Assert.Equal(0, code);
        Assert.Contains(Path.GetFileName(path), listing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompressedStream_gzip_files_decode_to_every_batch_even_while_still_in_use()
    {
        using var sink = CreateSink(new() { ["hdfs.fileType"] = "CompressedStream", ["hdfs.codeC"] = "gzip" });
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("one", "two");
        await sink.ProcessAsync(CancellationToken.None);
        await PutTextAsync("three");
        await sink.ProcessAsync(CancellationToken.None);

        Assert.Equal("one\ntwo\nthree\n", await GunzipAsync(Name(1, ".gz.tmp")));
        await sink.StopAsync(CancellationToken.None);
        Assert.Equal("one\ntwo\nthree\n", await GunzipAsync(Name(1, ".gz")));
    }

    private async Task<string> GunzipAsync(string path)
    {
        await using var gzip = new GZipStream(new MemoryStream(await Reader.ReadAllBytesAsync(path)), CompressionMode.Decompress);
        using var text = new StreamReader(gzip, Encoding.UTF8);
        return await text.ReadToEndAsync();
    }

    [Fact]
    public async Task DataStream_files_are_read_back_by_hdfs_cli()
    {
        using var sink = CreateSink();
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("hello", "hdfs");
        await sink.ProcessAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);

        var (code, output) = await _cluster.RunCliAsync("cat", Name(1));

        Assert.Equal(0, code);
        Assert.Contains("hello\nhdfs", output, StringComparison.Ordinal);
    }
}
