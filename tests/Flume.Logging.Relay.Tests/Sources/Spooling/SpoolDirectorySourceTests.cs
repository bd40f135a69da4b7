using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sources.Spooling;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Sources.Spooling;

public sealed class SpoolDirectorySourceTests : IAsyncLifetime
{
    private SpoolHarness _spool = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _spool.DisposeAsync();

    private List<string> Errors() => _spool.Logs.Entries.Where(e => e.Level == LogLevel.Error).Select(e => e.Message).ToList();

    private List<string> Retries() => _spool.Logs.Entries.Where(e => e.Message.Contains("channel refused", StringComparison.Ordinal)).Select(e => e.Message).ToList();

    [Fact]
    public async Task Every_line_of_every_file_arrives_and_each_file_is_renamed_completed()
    {
        var a = _spool.Write("a.log", SpoolHarness.Lines("a", 7));
        var b = _spool.Write("b.log", SpoolHarness.Lines("b", 5));

        var source = await _spool.StartAsync(o => o.BatchSize = 3);
        await _spool.UntilAsync(() => source.CompletedFiles == 2, "both files completed");

        var expected = Enumerable.Range(0, 7).Select(i => $"a-{i}").Concat(Enumerable.Range(0, 5).Select(i => $"b-{i}"));
        Assert.Equal(expected, SpoolHarness.Bodies(_spool.Drain()));
        Assert.False(File.Exists(a));
        Assert.False(File.Exists(b));
        Assert.True(File.Exists(a + ".COMPLETED"));
        Assert.True(File.Exists(b + ".COMPLETED"));
        Assert.Empty(Errors());
    }

    [Fact]
    public async Task A_file_its_writer_adds_to_after_completion_is_reported_as_an_error()
    {
        // The writer paused just long enough for the file to look finished, then wrote on into the renamed file.
        var path = _spool.Write("app.log", SpoolHarness.Lines("a", 3));
        var source = await _spool.StartAsync();
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "the file completed");
        await File.AppendAllTextAsync(path + ".COMPLETED", "late\n");

        await _spool.UntilAsync(() => Errors().Count == 1, "the late write reported");

        Assert.Contains($"{path} was still being written after it was completed", Errors()[0], StringComparison.Ordinal);
        Assert.Equal(["a-0", "a-1", "a-2"], SpoolHarness.Bodies(_spool.Drain()));
    }

    [Fact]
    public async Task A_completed_file_left_alone_is_not_reported()
    {
        _spool.Write("app.log", SpoolHarness.Lines("a", 3));
        var source = await _spool.StartAsync();
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "the file completed");

        await _spool.PollAgainAsync();
        await _spool.PollAgainAsync();

        Assert.Empty(Errors());
    }

    [Fact]
    public async Task A_file_dropped_later_is_found_on_a_later_poll()
    {
        var source = await _spool.StartAsync();
        await Eventually.TrueAsync(() => _spool.Time.ActiveTimerCount == 1, "the source idle, waiting for its poll delay");

        _spool.Write("late.log", "hello\n");
        var fired = _spool.Time.TimersFired;
        _spool.Time.Advance(TimeSpan.FromMilliseconds(499));

        // No timer fired, so the source idle on its poll delay has not looked at the folder again.
        Assert.Equal(fired, _spool.Time.TimersFired);
        Assert.Equal(0, source.CompletedFiles);

        _spool.Time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.TrueAsync(() => source.CompletedFiles == 1, "the late file completed");
        Assert.Equal(["hello"], SpoolHarness.Bodies(_spool.Drain()));
    }

    [Theory]
    [InlineData(SpoolConsumeOrder.Oldest, new[] { "c", "a", "b" })]
    [InlineData(SpoolConsumeOrder.Youngest, new[] { "a", "b", "c" })]
    public async Task Files_are_consumed_by_last_write_time_with_ties_broken_by_name(SpoolConsumeOrder order, string[] expected)
    {
        var early = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        _spool.Write("b", "b\n", early.AddMinutes(1));
        _spool.Write("a", "a\n", early.AddMinutes(1));
        _spool.Write("c", "c\n", early);

        var source = await _spool.StartAsync(o => o.ConsumeOrder = order);
        await _spool.UntilAsync(() => source.CompletedFiles == 3, "all files completed");

        Assert.Equal(expected, SpoolHarness.Bodies(_spool.Drain()));
    }

    [Fact]
    public async Task Random_order_picks_among_all_waiting_files_with_the_injected_random()
    {
        _spool.Write("a", "a\n");
        _spool.Write("b", "b\n");
        _spool.Write("c", "c\n");
        var random = new RecordingRandom();

        var source = await _spool.StartAsync(o => o.ConsumeOrder = SpoolConsumeOrder.Random, random);
        await _spool.UntilAsync(() => source.CompletedFiles == 3, "all files completed");

        Assert.Equal([3, 2, 1], random.Bounds.Take(3));
        Assert.Equal(["a", "b", "c"], SpoolHarness.Bodies(_spool.Drain()).Order());
    }

    [Fact]
    public async Task Ignored_not_included_hidden_completed_and_tracker_files_are_left_alone()
    {
        _spool.Write("app.log", "read me\n");
        var ignored = _spool.Write("app.tmp.log", "ignored\n");
        var notIncluded = _spool.Write("notes.txt", "not included\n");
        var hidden = _spool.Write(".hidden.log", "hidden\n");
        var completed = _spool.Write("old.log.COMPLETED", "completed\n");
        var inTracker = _spool.Write(".flumespool/stray.log", "tracker\n");

        var source = await _spool.StartAsync(o =>
        {
            o.IncludePattern = "^.*\\.log$";
            o.IgnorePattern = "^.*\\.tmp\\.log$";
            o.RecursiveDirectorySearch = true;
        });
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "app.log completed");
        await _spool.PollAgainAsync();

        Assert.Equal(["read me"], SpoolHarness.Bodies(_spool.Drain()));
        Assert.All([ignored, notIncluded, hidden, completed, inTracker], path => Assert.True(File.Exists(path), path));
    }

    [Fact]
    public async Task Patterns_match_the_whole_name_as_java_matches_does()
    {
        _spool.Write("x.log", "whole\n");
        var partial = _spool.Write("x.log.bak", "partial\n");

        var source = await _spool.StartAsync(o => o.IncludePattern = "x\\.log");
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "x.log completed");

        Assert.Equal(["whole"], SpoolHarness.Bodies(_spool.Drain()));
        Assert.True(File.Exists(partial));
    }

    [Fact]
    public async Task File_and_basename_headers_carry_the_absolute_path_and_the_name()
    {
        var path = _spool.Write("sub/h.log", "one\n");

        var source = await _spool.StartAsync(o =>
        {
            o.FileHeader = true;
            o.FileHeaderKey = "path";
            o.BasenameHeader = true;
            o.RecursiveDirectorySearch = true;
        });
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "the file completed");

        var e = Assert.Single(_spool.Drain());
        Assert.Equal(path, e.Headers["path"]);
        Assert.Equal("h.log", e.Headers["basename"]);
        Assert.Equal(2, e.Headers.Count);
    }

    [Fact]
    public async Task Without_header_options_events_have_no_headers()
    {
        _spool.Write("plain.log", "one\n");

        var source = await _spool.StartAsync();
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "the file completed");

        Assert.Empty(Assert.Single(_spool.Drain()).Headers);
    }

    [Fact]
    public async Task Long_lines_are_split_into_max_line_length_events()
    {
        _spool.Write("long.log", "abcdefghij\nk\n");

        var source = await _spool.StartAsync(o => o.MaxLineLength = 4);
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "the file completed");

        Assert.Equal(["abcd", "efgh", "ij", "k"], SpoolHarness.Bodies(_spool.Drain()));
    }

    [Fact]
    public async Task Input_charset_is_decoded_and_bodies_are_in_the_output_charset()
    {
        _spool.WriteBytes("latin.log", Encoding.Latin1.GetBytes("café\n"));

        var source = await _spool.StartAsync(o => o.InputCharset = "ISO-8859-1");
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "the file completed");

        Assert.Equal(Encoding.UTF8.GetBytes("café"), Assert.Single(_spool.Drain()).Body.ToArray());
    }

    [Fact]
    public async Task Decode_error_policy_fail_reports_the_file_leaves_it_in_place_and_goes_on()
    {
        var bad = _spool.WriteBytes("bad.log", [(byte)'o', (byte)'k', (byte)'\n', (byte)'x', 0xFF, (byte)'\n']);
        var good = _spool.Write("good.log", "good\n");

        var source = await _spool.StartAsync(o => o.BatchSize = 1);
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "good.log completed");

        Assert.Equal(["ok", "good"], SpoolHarness.Bodies(_spool.Drain()));
        Assert.True(File.Exists(bad));
        Assert.False(File.Exists(bad + ".COMPLETED"));
        Assert.True(File.Exists(good + ".COMPLETED"));
        Assert.Contains(Errors(), m => m.Contains(bad, StringComparison.Ordinal) && m.Contains("FAIL", StringComparison.Ordinal));
        Assert.Equal(1, source.IsolatedFiles);
    }

    [Theory]
    [InlineData(DecodeErrorPolicy.Replace, "x\uFFFDy")]
    [InlineData(DecodeErrorPolicy.Ignore, "xy")]
    public async Task Decode_error_policies_replace_and_ignore_complete_the_file(DecodeErrorPolicy policy, string expected)
    {
        var path = _spool.WriteBytes("bad.log", [(byte)'x', 0xFF, (byte)'y', (byte)'\n']);

        var source = await _spool.StartAsync(o => o.DecodeErrorPolicy = policy);
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "the file completed");

        Assert.Equal([expected], SpoolHarness.Bodies(_spool.Drain()));
        Assert.True(File.Exists(path + ".COMPLETED"));
    }

    [Fact]
    public async Task Blob_deserializer_sends_the_whole_file_as_one_event()
    {
        byte[] content = [0, 0xFF, (byte)'\n', 1, 2, (byte)'\n', 0xC3];
        var path = _spool.WriteBytes("image.bin", content);

        var source = await _spool.StartAsync(o => o.Deserializer = SpoolDeserializer.Blob);
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "the file completed");

        Assert.Equal(content, Assert.Single(_spool.Drain()).Body.ToArray());
        Assert.True(File.Exists(path + ".COMPLETED"));
    }

    [Fact]
    public async Task Avro_deserializer_sends_each_record_with_the_schema_header_beside_the_file_header()
    {
        _spool.WriteBytes("records.avro", AvroEventReaderTests.ContainerFile(5, perBlock: 2));

        var source = await _spool.StartAsync(o =>
        {
            o.Deserializer = SpoolDeserializer.Avro;
            o.AvroSchemaType = SpoolAvroSchemaType.Literal;
            o.FileHeader = true;
            o.BatchSize = 2;
        });
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "the file completed");

        var events = _spool.Drain();
        Assert.Equal([0, 1, 2, 3, 4], events.Select(e => (int)AvroEventReaderTests.Decode(e.Body.ToArray())["n"]));
        Assert.All(events, e => Assert.Contains("\"name\":\"Line\"", e.Headers["flume.avro.schema.literal"], StringComparison.Ordinal));
        Assert.All(events, e => Assert.EndsWith("records.avro", e.Headers["file"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_full_channel_loses_nothing_and_the_file_is_renamed_only_after_its_last_commit()
    {
        await _spool.DisposeAsync();
        _spool = new SpoolHarness(capacity: 4);
        var path = _spool.Write("big.log", SpoolHarness.Lines("line", 10));
        var delivered = new List<string>();

        var source = await _spool.StartAsync(o => o.BatchSize = 3);
        await _spool.UntilAsync(
            () =>
            {
                var renamed = File.Exists(path + ".COMPLETED");
                Assert.True(!renamed || source.Committed == 10, "renamed before its last event was committed");
                Assert.True(renamed || File.Exists(path), "the file vanished before completion");
                if (Retries().Count > 0)
                {
                    delivered.AddRange(SpoolHarness.Bodies(_spool.Drain()));
                }

                return source.CompletedFiles == 1;
            },
            "the file completed through a channel that keeps filling up");

        delivered.AddRange(SpoolHarness.Bodies(_spool.Drain()));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"line-{i}"), delivered);
        Assert.NotEmpty(Retries());
    }

    [Fact]
    public async Task Retries_back_off_from_250_ms_doubling_up_to_max_backoff()
    {
        await _spool.DisposeAsync();
        _spool = new SpoolHarness(capacity: 1);
        _spool.Write("stuck.log", "a\nb\n");

        await _spool.StartAsync(o =>
        {
            o.BatchSize = 2;
            o.MaxBackoff = TimeSpan.FromMilliseconds(1000);
        });

        string[] expected = ["250", "500", "1000", "1000"];
        for (var i = 0; i < expected.Length; i++)
        {
            await Eventually.TrueAsync(() => Retries().Count == i + 1 && _spool.Time.ActiveTimerCount == 1, $"retry {i + 1} waiting");
            Assert.Contains($"in {expected[i]} ms", Retries()[i], StringComparison.Ordinal);
            var fired = _spool.Time.TimersFired;
            _spool.Time.Advance(TimeSpan.FromMilliseconds(int.Parse(expected[i], System.Globalization.CultureInfo.InvariantCulture) - 1));

            // The backoff timer did not fire, so no retry can have started.
            Assert.Equal(fired, _spool.Time.TimersFired);
            Assert.Equal(i + 1, Retries().Count);
            _spool.Time.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    [Fact]
    public async Task After_a_crash_mid_file_a_new_source_sends_the_rest_without_duplicates()
    {
        await _spool.DisposeAsync();
        _spool = new SpoolHarness(capacity: 4);
        var path = _spool.Write("crash.log", SpoolHarness.Lines("line", 10));
        var options = _spool.Options(o => o.BatchSize = 2);

        var first = _spool.Create(options);
        await first.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Retries().Count > 0, "the channel full, the source backing off mid-file");
        await first.DisposeAsync();
        var before = SpoolHarness.Bodies(_spool.Drain());
        Assert.Equal(4, before.Count);
        Assert.True(File.Exists(path));

        var second = _spool.Create(options);
        await second.StartAsync(CancellationToken.None);
        var after = new List<string>();
        await _spool.UntilAsync(
            () =>
            {
                after.AddRange(SpoolHarness.Bodies(_spool.Drain()));
                return second.CompletedFiles == 1;
            },
            "the file completed by the new source");
        after.AddRange(SpoolHarness.Bodies(_spool.Drain()));

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"line-{i}"), before.Concat(after));
        Assert.True(File.Exists(path + ".COMPLETED"));
    }

    [Fact]
    public async Task A_batch_committed_but_not_yet_recorded_is_sent_again_once_and_nothing_is_missing()
    {
        await _spool.DisposeAsync();
        _spool = new SpoolHarness(capacity: 4);
        var path = _spool.Write("crash.log", SpoolHarness.Lines("line", 10));
        var options = _spool.Options(o => o.BatchSize = 2);

        var first = _spool.Create(options);
        await first.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Retries().Count > 0, "the channel full, the source backing off mid-file");
        await first.DisposeAsync();
        var before = SpoolHarness.Bodies(_spool.Drain());

        // As if the process died between the second commit and its record: the record still says "after line-1".
        var tracker = new SpoolTracker(Path.Combine(_spool.SpoolDir, ".flumespool"), ".COMPLETED");
        var recorded = tracker.ReadPosition()!.Value;
        tracker.WritePosition(recorded with { Offset = Encoding.UTF8.GetByteCount("line-0\nline-1\n") });

        var second = _spool.Create(options);
        await second.StartAsync(CancellationToken.None);
        var after = new List<string>();
        await _spool.UntilAsync(
            () =>
            {
                after.AddRange(SpoolHarness.Bodies(_spool.Drain()));
                return second.CompletedFiles == 1;
            },
            "the file completed by the new source");
        after.AddRange(SpoolHarness.Bodies(_spool.Drain()));

        Assert.Equal(["line-0", "line-1", "line-2", "line-3"], before);
        Assert.Equal(Enumerable.Range(2, 8).Select(i => $"line-{i}"), after);
        Assert.True(File.Exists(path + ".COMPLETED"));
    }

    [Theory]
    [InlineData("append")]
    [InlineData("touch")]
    [InlineData("truncate")]
    public async Task A_file_that_changes_after_pick_up_is_reported_left_in_place_and_not_mixed(string change)
    {
        await _spool.DisposeAsync();
        _spool = new SpoolHarness(capacity: 2);
        var path = _spool.Write("changing.log", SpoolHarness.Lines("line", 6));
        var other = _spool.Write("other.log", "other\n");

        var source = await _spool.StartAsync(o => o.BatchSize = 2);
        await Eventually.TrueAsync(() => Retries().Count > 0, "the source backing off on its second batch");
        switch (change)
        {
            case "append":
                File.AppendAllText(path, "mixed\n");
                File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
                break;
            case "touch":
                File.SetLastWriteTimeUtc(path, new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc));
                break;
            default:
                File.WriteAllText(path, "line-0\n");
                File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
                break;
        }

        var delivered = new List<string>();
        await _spool.UntilAsync(
            () =>
            {
                delivered.AddRange(SpoolHarness.Bodies(_spool.Drain()));
                return source.CompletedFiles == 1;
            },
            "other.log completed");
        delivered.AddRange(SpoolHarness.Bodies(_spool.Drain()));

        Assert.Equal(["line-0", "line-1", "other"], delivered);
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(path + ".COMPLETED"));
        Assert.True(File.Exists(other + ".COMPLETED"));
        Assert.Contains(Errors(), m => m.Contains(path, StringComparison.Ordinal) && m.Contains("written to after it was picked up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reused_name_is_reported_and_the_file_left_unread_while_others_go_on()
    {
        var clash = _spool.Write("a.log", "new content\n");
        File.WriteAllText(clash + ".COMPLETED", "old content\n");
        var b = _spool.Write("b.log", "b\n");

        var source = await _spool.StartAsync();
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "b.log completed");

        Assert.Equal(["b"], SpoolHarness.Bodies(_spool.Drain()));
        Assert.Equal("new content\n", File.ReadAllText(clash));
        Assert.Equal("old content\n", File.ReadAllText(clash + ".COMPLETED"));
        Assert.True(File.Exists(b + ".COMPLETED"));
        Assert.Contains(Errors(), m => m.Contains(clash, StringComparison.Ordinal) && m.Contains("re-used", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_policy_immediate_deletes_each_file_once_its_events_are_committed()
    {
        var path = _spool.Write("gone.log", "x\ny\n");

        var source = await _spool.StartAsync(o => o.DeletePolicy = SpoolDeletePolicy.Immediate);
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "the file completed");

        Assert.Equal(["x", "y"], SpoolHarness.Bodies(_spool.Drain()));
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".COMPLETED"));
    }

    [Fact]
    public async Task Tracker_dir_policy_leaves_the_file_and_records_it_so_it_is_read_once()
    {
        var tracker = Path.Combine(_spool.Root, "tracker");
        var path = _spool.Write("kept.log", "x\n");
        var nested = _spool.Write("sub/kept.log", "y\n");

        var source = await _spool.StartAsync(o =>
        {
            o.TrackingPolicy = SpoolTrackingPolicy.TrackerDir;
            o.TrackerDir = tracker;
            o.RecursiveDirectorySearch = true;
        });
        await _spool.UntilAsync(() => source.CompletedFiles == 2, "both files completed");
        await _spool.PollAgainAsync();

        Assert.Equal(["x", "y"], SpoolHarness.Bodies(_spool.Drain()));
        Assert.True(File.Exists(path));
        Assert.True(File.Exists(nested));
        Assert.True(File.Exists(Path.Combine(tracker, "kept.log.COMPLETED")));
        Assert.True(File.Exists(Path.Combine(tracker, "sub", "kept.log.COMPLETED")));
        Assert.Equal(2, source.CompletedFiles);
    }

    [Fact]
    public async Task Tracker_dir_policy_remembers_completed_files_across_restarts()
    {
        _spool.Write("kept.log", "x\n");
        var options = _spool.Options(o => o.TrackingPolicy = SpoolTrackingPolicy.TrackerDir);
        var first = _spool.Create(options);
        await first.StartAsync(CancellationToken.None);
        await _spool.UntilAsync(() => first.CompletedFiles == 1, "the file completed");
        await first.StopAsync(CancellationToken.None);

        var second = _spool.Create(options);
        await second.StartAsync(CancellationToken.None);
        await _spool.PollAgainAsync();

        Assert.Equal(["x"], SpoolHarness.Bodies(_spool.Drain()));
        Assert.Equal(0, second.CompletedFiles);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Sub_folders_are_read_only_with_recursive_directory_search(bool recursive)
    {
        var top = _spool.Write("top.log", "top\n");
        var deep = _spool.Write("a/b/deep.log", "deep\n");
        var hidden = _spool.Write(".private/secret.log", "secret\n");

        var source = await _spool.StartAsync(o => o.RecursiveDirectorySearch = recursive);
        await _spool.UntilAsync(() => source.CompletedFiles == (recursive ? 2 : 1), "the visible files completed");
        await _spool.PollAgainAsync();

        Assert.Equal(recursive ? ["deep", "top"] : ["top"], SpoolHarness.Bodies(_spool.Drain()).Order());
        Assert.True(File.Exists(top + ".COMPLETED"));
        Assert.Equal(recursive, File.Exists(deep + ".COMPLETED"));
        Assert.True(File.Exists(hidden));
    }

    [Fact]
    public async Task An_unreadable_position_record_is_reported_and_the_files_are_read_from_their_start()
    {
        _spool.Write("a.log", "a\n");
        _spool.Write(".flumespool/spooldir.position", "garbage\n");

        var source = await _spool.StartAsync();
        await _spool.UntilAsync(() => source.CompletedFiles == 1, "a.log completed");

        Assert.Equal(["a"], SpoolHarness.Bodies(_spool.Drain()));
        Assert.Contains(_spool.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("recorded position ignored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_recorded_position_whose_file_changed_while_the_source_was_down_isolates_that_file()
    {
        var path = _spool.Write("a.log", "a-0\na-1\n");
        var tracker = new SpoolTracker(Path.Combine(_spool.SpoolDir, ".flumespool"), ".COMPLETED");
        tracker.Create();
        tracker.WritePosition(new SpoolPosition(path, 4, new FileInfo(path).LastWriteTimeUtc.Ticks, 4));
        var other = _spool.Write("b.log", "b\n");

        var source = await _spool.StartAsync();
        await Eventually.TrueAsync(() => source.CompletedFiles == 1, "b.log completed at once, without waiting for a poll", TimeSpan.FromSeconds(20));

        Assert.Equal(["b"], SpoolHarness.Bodies(_spool.Drain()));
        Assert.True(File.Exists(path));
        Assert.True(File.Exists(other + ".COMPLETED"));
        Assert.Contains(Errors(), m => m.Contains(path, StringComparison.Ordinal) && m.Contains("changed since", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_spool_dir_is_a_start_error_naming_the_property_and_the_path()
    {
        var missing = Path.Combine(_spool.Root, "no-such-folder");
        var context = new ComponentContext("r1", "a1.sources.r1.", new Dictionary<string, string> { ["spoolDir"] = missing });
        var source = _spool.Create(SpoolDirectorySourceOptions.From(context));

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => source.StartAsync(CancellationToken.None));

        Assert.Equal("a1.sources.r1.spoolDir", error.Key);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_spool_dir_that_is_a_file_is_a_start_error_naming_the_property_and_the_path()
    {
        var notAFolder = _spool.Write("plain-file", "x\n");
        var source = _spool.Create(_spool.Options(o => o.SpoolDir = notAFolder));

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => source.StartAsync(CancellationToken.None));

        Assert.Equal("spoolDir", error.Key);
        Assert.Contains(notAFolder, error.Message, StringComparison.Ordinal);
        Assert.Contains("is a file, not a folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_while_backing_off_exits_with_only_whole_batches_committed_and_a_restart_finishes()
    {
        await _spool.DisposeAsync();
        _spool = new SpoolHarness(capacity: 3);
        var path = _spool.Write("f.log", SpoolHarness.Lines("line", 6));
        var options = _spool.Options(o => o.BatchSize = 2);
        var first = _spool.Create(options);
        await first.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Retries().Count > 0, "the source backing off");

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await first.StopAsync(deadline.Token);

        Assert.Equal(["line-0", "line-1"], SpoolHarness.Bodies(_spool.Drain()));
        Assert.True(File.Exists(path));
        var second = _spool.Create(options);
        await second.StartAsync(CancellationToken.None);
        var rest = new List<string>();
        await _spool.UntilAsync(
            () =>
            {
                rest.AddRange(SpoolHarness.Bodies(_spool.Drain()));
                return second.CompletedFiles == 1;
            },
            "the restarted source completed the file");
        rest.AddRange(SpoolHarness.Bodies(_spool.Drain()));
        Assert.Equal(["line-2", "line-3", "line-4", "line-5"], rest);
    }

    [Fact]
    public async Task Stop_finishes_the_batch_in_hand_and_takes_no_next_one()
    {
        await _spool.DisposeAsync();
        _spool = new SpoolHarness(capacity: 2, keepAlive: TimeSpan.FromSeconds(30));
        var path = _spool.Write("f.log", SpoolHarness.Lines("line", 6));
        var source = await _spool.StartAsync(o => o.BatchSize = 2);
        await Eventually.TrueAsync(() => source.Committed == 2 && _spool.Watched.CommitsStarted == 2, "the first batch committed, the second waiting for room");

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var stopping = source.StopAsync(deadline.Token);

        // The batch in hand waits for room, so the stop waits too; that the batch was then put whole, not abandoned,
        // is what the delivered lines below prove (no wait for a stop that must not complete).
        Assert.False(stopping.IsCompleted);
        var delivered = SpoolHarness.Bodies(_spool.Drain());
        await stopping;
        delivered.AddRange(SpoolHarness.Bodies(_spool.Drain()));

        Assert.Equal(["line-0", "line-1", "line-2", "line-3"], delivered);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Stop_abandons_a_commit_still_blocked_at_its_deadline_without_putting_half_a_batch()
    {
        await _spool.DisposeAsync();
        _spool = new SpoolHarness(capacity: 2, keepAlive: TimeSpan.FromSeconds(30));
        _spool.Write("f.log", SpoolHarness.Lines("line", 6));
        var source = await _spool.StartAsync(o => o.BatchSize = 2);
        await Eventually.TrueAsync(() => source.Committed == 2 && _spool.Watched.CommitsStarted == 2, "the first batch committed, the second waiting for room");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => source.StopAsync(deadline.Token));
        await source.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stop took {clock.Elapsed}, not bounded by its deadline");
        Assert.Equal(["line-0", "line-1"], SpoolHarness.Bodies(_spool.Drain()));
        Assert.Equal(2, source.Committed);
    }

    [Fact]
    public async Task Stop_when_idle_returns_at_once()
    {
        var source = await _spool.StartAsync();
        await Eventually.TrueAsync(() => _spool.Time.ActiveTimerCount == 1, "the source idle");

        await source.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_file_whose_events_make_an_interceptor_throw_is_isolated_and_the_others_go_on()
    {
        var bad = _spool.Write("bad.log", "boom\n");
        var good = _spool.Write("good.log", "fine\n");
        var processor = new ChannelProcessor(
            new ReplicatingChannelSelector([_spool.Channel], []), [new ThrowingInterceptor()], NullLogger<ChannelProcessor>.Instance);
        var source = new SpoolDirectorySource(
            "r1", _spool.Options(), processor, _spool.Time, new Random(1), ((ILoggerFactory)_spool.Logs).CreateLogger<SpoolDirectorySource>());
        await using (source)
        {
            await source.StartAsync(CancellationToken.None);
            await _spool.UntilAsync(() => source.CompletedFiles == 1, "good.log completed");
        }

        Assert.Equal(["fine"], SpoolHarness.Bodies(_spool.Drain()));
        Assert.True(File.Exists(bad));
        Assert.True(File.Exists(good + ".COMPLETED"));
        Assert.Contains(Errors(), m => m.Contains(bad, StringComparison.Ordinal) && m.Contains("interceptor exploded", StringComparison.Ordinal));
    }

    private sealed class ThrowingInterceptor : IInterceptor
    {
        public FlumeEvent? Intercept(FlumeEvent flumeEvent) =>
            flumeEvent.Body.Span.SequenceEqual("boom"u8) ? throw new InvalidOperationException("interceptor exploded") : flumeEvent;
    }

    private sealed class RecordingRandom : Random
    {
        public List<int> Bounds { get; } = [];

        public override int Next(int maxValue)
        {
            Bounds.Add(maxValue);
            return 0;
        }
    }
}
