using System.Text;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sources.Taildir;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Tests.Sources.Taildir;

public sealed class TaildirSourceTests : IAsyncLifetime
{
    private readonly TaildirHarness _tail = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _tail.DisposeAsync();

    private static long Inode(string path) => FileStatus.TryGet(path)!.Value.Inode;

    [Fact]
    public async Task Every_line_of_a_file_present_at_start_arrives_once_in_order()
    {
        _tail.Append("app.log", TaildirHarness.Lines("a", 0, 250));

        await _tail.StartAsync();

        await _tail.ExpectAsync(TaildirHarness.Expected("a", 0, 250));
    }

    [Fact]
    public async Task Lines_split_on_newline_drop_a_carriage_return_before_it_and_a_partial_last_line_waits_for_its_newline()
    {
        _tail.Append("app.log", "a\r\nb\n\nc\rd\nhalf");
        await _tail.StartAsync();
        await _tail.ExpectAsync(["a", "b", "", "c\rd"]);

        _tail.Append("app.log", "-done\n");

        await _tail.ExpectAsync(["a", "b", "", "c\rd", "half-done"]);
    }

    [Fact]
    public async Task Lines_appended_later_and_files_created_later_are_picked_up()
    {
        await _tail.StartAsync();
        _tail.Append("app.log", TaildirHarness.Lines("a", 0, 3));
        await _tail.ExpectAsync(TaildirHarness.Expected("a", 0, 3));

        _tail.Append("app.log", TaildirHarness.Lines("a", 3, 2));
        _tail.Append("app.log.new", TaildirHarness.Lines("n", 0, 2));
        _tail.Append("other.txt", "not matched\n");

        await _tail.UntilCountAsync(7);
        Assert.Equal(TaildirHarness.Expected("a", 0, 5), _tail.BodiesOf("a"));
        Assert.Equal(TaildirHarness.Expected("n", 0, 2), _tail.BodiesOf("n"));
        Assert.Equal(7, _tail.Bodies.Count);
    }

    [Fact]
    public async Task A_file_renamed_by_rotation_is_read_on_from_its_position_and_the_new_file_from_its_start()
    {
        var log = _tail.PathOf("app.log");
        _tail.Append("app.log", TaildirHarness.Lines("old", 0, 5));
        await _tail.StartAsync();
        await _tail.ExpectAsync(TaildirHarness.Expected("old", 0, 5));

        // The writer still holds the old file and writes to it after the rename, as before a HUP.
        using (var writer = new StreamWriter(new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)))
        {
            File.Move(log, log + ".1");
            writer.Write(TaildirHarness.Lines("old", 5, 3));
        }

        _tail.Append("app.log", TaildirHarness.Lines("new", 0, 4));

        await _tail.UntilCountAsync(12);
        Assert.Equal(12, _tail.Bodies.Count);
        Assert.Equal(TaildirHarness.Expected("old", 0, 8), _tail.BodiesOf("old"));
        Assert.Equal(TaildirHarness.Expected("new", 0, 4), _tail.BodiesOf("new"));
        Assert.True(_tail.Logs.Contains($"{log} was renamed to {log}.1"), _tail.Logs.Dump());
    }

    [Fact]
    public async Task A_file_renamed_to_a_name_no_group_matches_is_still_read_to_its_end_through_the_open_handle()
    {
        var log = _tail.PathOf("app.log");
        _tail.Append("app.log", TaildirHarness.Lines("old", 0, 2));
        await _tail.StartAsync(_tail.Options(@"app\.log"));
        await _tail.ExpectAsync(TaildirHarness.Expected("old", 0, 2));

        File.Move(log, _tail.PathOf("app-rotated"));
        _tail.Append("app-rotated", TaildirHarness.Lines("old", 2, 3));
        _tail.Append("app.log", TaildirHarness.Lines("new", 0, 1));

        await _tail.UntilCountAsync(6);
        Assert.Equal(6, _tail.Bodies.Count);
        Assert.Equal(TaildirHarness.Expected("old", 0, 5), _tail.BodiesOf("old"));
        Assert.Equal(["new-0"], _tail.BodiesOf("new"));
    }

    [Fact]
    public async Task A_truncated_file_copy_truncate_rotation_is_read_again_from_its_start()
    {
        _tail.Append("app.log", TaildirHarness.Lines("before", 0, 10));
        await _tail.StartAsync();
        await _tail.ExpectAsync(TaildirHarness.Expected("before", 0, 10));

        File.WriteAllText(_tail.PathOf("app.log"), TaildirHarness.Lines("after", 0, 3));

        await _tail.ExpectAsync([.. TaildirHarness.Expected("before", 0, 10), .. TaildirHarness.Expected("after", 0, 3)]);
        Assert.True(_tail.Logs.Contains("truncated, reading it again from 0"), _tail.Logs.Dump());
    }

    [Fact]
    public async Task A_file_truncated_and_written_past_its_old_position_between_two_polls_is_read_again_from_its_start()
    {
        _tail.Append("app.log", TaildirHarness.Lines("before", 0, 3));
        await _tail.StartAsync();
        await _tail.ExpectAsync(TaildirHarness.Expected("before", 0, 3));

        // The new content written over the old from offset 0 in one write, so no poll can see the file shrink: by its
        // size alone it only grew, as a copy-truncated log that its writer filled again before the next poll.
        using (var rewrite = new FileStream(_tail.PathOf("app.log"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            rewrite.Write(Encoding.UTF8.GetBytes(TaildirHarness.Lines("after", 0, 10)));
        }

        await _tail.ExpectAsync([.. TaildirHarness.Expected("before", 0, 3), .. TaildirHarness.Expected("after", 0, 10)]);
        Assert.True(_tail.Logs.Contains("truncated and written again, or rewritten in place; reading it again from 0"), _tail.Logs.Dump());
    }

    [Fact]
    public async Task A_position_file_written_by_flume_is_resumed_and_written_back_in_flumes_format()
    {
        var log = _tail.PathOf("app.log");
        _tail.Append("app.log", TaildirHarness.Lines("l", 0, 5));
        var inode = Inode(log);
        var resumeAt = Encoding.UTF8.GetByteCount(TaildirHarness.Lines("l", 0, 3));
        Directory.CreateDirectory(Path.GetDirectoryName(_tail.PositionFile)!);

        // As Gson writes it in Flume's TaildirSource.
        File.WriteAllText(_tail.PositionFile, $"[{{\"inode\":{inode},\"pos\":{resumeAt},\"file\":\"{log}\"}}]");

        var source = await _tail.StartAsync();
        await _tail.ExpectAsync(TaildirHarness.Expected("l", 3, 2));
        await source.StopAsync(CancellationToken.None);

        var size = new FileInfo(log).Length;
        Assert.Equal($"[{{\"inode\":{inode},\"pos\":{size},\"file\":\"{log}\"}}]", File.ReadAllText(_tail.PositionFile));
        Assert.False(File.Exists(_tail.PositionFile + ".tmp"));
    }

    [Fact]
    public async Task Positions_are_written_every_writePosInterval_and_only_up_to_committed_lines()
    {
        var log = _tail.PathOf("app.log");
        _tail.Append("app.log", "one\ntwo\npartial");
        await _tail.StartAsync(_tail.Options(configure: o => o.WritePosInterval = TimeSpan.FromSeconds(3)));
        await _tail.ExpectAsync(["one", "two"]);
        Assert.False(File.Exists(_tail.PositionFile), "written before writePosInterval passed");

        _tail.Time.Advance(TimeSpan.FromSeconds(3));

        await Eventually.TrueAsync(() => File.Exists(_tail.PositionFile), "the position file");
        var positions = TaildirPositionFile.Read(_tail.PositionFile);
        Assert.Equal([new TaildirPosition(Inode(log), "one\ntwo\n".Length, log)], positions);
    }

    [Fact]
    public async Task A_file_renamed_while_the_source_was_stopped_is_resumed_by_inode_under_its_new_name()
    {
        var log = _tail.PathOf("app.log");
        _tail.Append("app.log", TaildirHarness.Lines("l", 0, 4));
        var first = await _tail.StartAsync();
        await _tail.ExpectAsync(TaildirHarness.Expected("l", 0, 4));
        await first.StopAsync(CancellationToken.None);

        _tail.Append("app.log", TaildirHarness.Lines("l", 4, 2));
        File.Move(log, log + ".1");
        await _tail.StartAsync();

        await _tail.ExpectAsync(TaildirHarness.Expected("l", 0, 6));
    }

    [Fact]
    public async Task Group_headers_byte_offset_and_file_headers_are_set_as_flume_sets_them()
    {
        var log = _tail.PathOf("app.log");
        _tail.Append("app.log", "first\r\nsecond\n");
        await _tail.StartAsync(_tail.Options(
            configure: o =>
            {
                o.ByteOffsetHeader = true;
                o.FileHeader = true;
                o.FileHeaderKey = "path";
            },
            headers: new Dictionary<string, string> { ["headerKey1"] = "value1" }));

        await _tail.ExpectAsync(["first", "second"]);
        var events = _tail.Received;
        Assert.Equal(new Dictionary<string, string> { ["byteoffset"] = "0", ["headerKey1"] = "value1", ["path"] = log }, events[0].Headers);
        Assert.Equal(new Dictionary<string, string> { ["byteoffset"] = "7", ["headerKey1"] = "value1", ["path"] = log }, events[1].Headers);
        Assert.NotSame(events[0].Headers, events[1].Headers);
    }

    [Fact]
    public async Task Without_header_options_events_carry_no_headers()
    {
        _tail.Append("app.log", "x\n");
        await _tail.StartAsync();
        await _tail.ExpectAsync(["x"]);
        Assert.Empty(_tail.Received[0].Headers);
    }

    [Fact]
    public async Task SkipToEnd_skips_what_files_unknown_to_the_position_file_held_at_start_but_not_later_lines_or_new_files()
    {
        _tail.Append("app.log", TaildirHarness.Lines("old", 0, 3));
        await _tail.StartAsync(_tail.Options(configure: o => o.SkipToEnd = true));
        await _tail.UntilAsync(() => _tail.Logs.Contains("following"), "the file followed");

        _tail.Append("app.log", TaildirHarness.Lines("new", 0, 2));
        _tail.Append("app.log.2", TaildirHarness.Lines("other", 0, 1));

        await _tail.UntilCountAsync(3);
        Assert.Equal(["new-0", "new-1", "other-0"], _tail.Bodies.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_idle_file_is_closed_after_idleTimeout_sending_its_partial_last_line_and_reopened_when_it_grows()
    {
        _tail.Append("app.log", "whole\npartial");
        await _tail.StartAsync(_tail.Options(configure: o => o.IdleTimeout = TimeSpan.FromSeconds(2)));
        await _tail.ExpectAsync(["whole"]);

        await _tail.UntilAsync(() => _tail.Logs.Contains("closed idle file"), "the idle close");
        await _tail.ExpectAsync(["whole", "partial"]);

        _tail.Append("app.log", "more\n");
        await _tail.ExpectAsync(["whole", "partial", "more"]);
    }

    [Fact]
    public async Task A_batch_the_channel_refuses_is_retried_and_nothing_is_lost_or_repeated()
    {
        await using var small = new TaildirHarness(capacity: 5);
        small.Append("app.log", TaildirHarness.Lines("l", 0, 12));
        var source = await small.StartAsync(small.Options(configure: o => o.BatchSize = 5));

        await small.UntilAsync(() => source.Counter.ChannelWriteFail > 0, "a refused batch");
        await small.UntilCountAsync(12);

        Assert.Equal(TaildirHarness.Expected("l", 0, 12), small.Bodies);
        Assert.Equal(12, source.Counter.EventAcceptedCount);
        Assert.True(source.Counter.EventReceivedCount > 12);
    }

    [Fact]
    public async Task MaxBatchCount_lets_a_second_file_in_before_a_busy_one_is_finished()
    {
        _tail.Append("app.log.a", TaildirHarness.Lines("a", 0, 50));
        File.SetLastWriteTimeUtc(_tail.PathOf("app.log.a"), DateTime.UtcNow.AddMinutes(-5));
        _tail.Append("app.log.b", TaildirHarness.Lines("b", 0, 1));
        await _tail.StartAsync(_tail.Options(configure: o =>
        {
            o.BatchSize = 10;
            o.MaxBatchCount = 1;
        }));

        await _tail.UntilCountAsync(51);
        Assert.True(_tail.Bodies.IndexOf("b-0") < 50, $"b-0 at {_tail.Bodies.IndexOf("b-0")}");
    }

    [Fact]
    public async Task A_missing_folder_stops_start_with_an_error_naming_the_group()
    {
        var options = new TaildirSourceOptions
        {
            FileGroups = [new TaildirFileGroup("g1", Path.Combine(_tail.Root, "missing", ".*"), new Dictionary<string, string>())],
            PositionFile = _tail.PositionFile,
        };
        var source = _tail.Create(options);

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => source.StartAsync(CancellationToken.None));
        Assert.Contains("filegroups.g1", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_position_file_that_is_not_json_stops_start_with_an_error_naming_it()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_tail.PositionFile)!);
        File.WriteAllText(_tail.PositionFile, "[{\"inode\":1,");
        var source = _tail.Create(_tail.Options());

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => source.StartAsync(CancellationToken.None));
        Assert.Contains("positionFile", error.Message, StringComparison.Ordinal);
        Assert.Contains(_tail.PositionFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counters_count_lines_and_batches_as_flume_does()
    {
        _tail.Append("app.log", TaildirHarness.Lines("l", 0, 25));
        var source = await _tail.StartAsync(_tail.Options(configure: o => o.BatchSize = 10));
        await _tail.ExpectAsync(TaildirHarness.Expected("l", 0, 25));

        Assert.Equal(25, source.Counter.EventReceivedCount);
        Assert.Equal(25, source.Counter.EventAcceptedCount);
        Assert.Equal(3, source.Counter.AppendBatchReceivedCount);
        Assert.Equal(3, source.Counter.AppendBatchAcceptedCount);
        Assert.DoesNotContain(_tail.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }
}
