using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Relay.Sinks.FileRoll;
using Flume.Logging.Relay.Tests.Sinks.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Sinks.FileRoll;

public sealed class FileRollSinkTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("file-roll-").FullName;
    private readonly FakeTimeProvider _time = new(Start);
    private readonly MemoryChannel _channel;

    public FileRollSinkTests()
    {
        _channel = new MemoryChannel(
            "c1", new MemoryChannelOptions { Capacity = 1000, TransactionCapacity = 1000, KeepAlive = TimeSpan.Zero },
            _time, NullLogger<MemoryChannel>.Instance);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private FileRollSink CreateSink(Dictionary<string, string>? extra = null)
    {
        var properties = new Dictionary<string, string> { ["sink.directory"] = _directory };
        foreach (var (key, value) in extra ?? [])
        {
            properties[key] = value;
        }

        var options = FileRollSinkOptions.From(new ComponentContext("k1", "a1.sinks.k1.", properties));
        return new FileRollSink("k1", _channel, options, _time, NullLogger<FileRollSink>.Instance);
    }

    private Task PutAsync(params FlumeEvent[] events) => _channel.PutAsync(events);

    private Task PutTextAsync(params string[] lines) => _channel.PutTextAsync(lines);

    private string[] FileNames() => [.. Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private string ReadFile(string name)
    {
        using var stream = new FileStream(Path.Combine(_directory, name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [Fact]
    public async Task Writes_bodies_as_lines_to_a_file_named_as_Flumes_default_path_manager_names_it()
    {
        await using var sink = CreateSink(new() { ["sink.pathManager.prefix"] = "app-", ["sink.pathManager.extension"] = "log" });
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("one", "two", "three");

        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));

        var expected = $"app-{Start.ToUnixTimeMilliseconds()}-1.log";
        Assert.Equal([expected], FileNames());
        Assert.Equal("one\ntwo\nthree\n", ReadFile(expected));
        Assert.Equal(0, _channel.Size);
        Assert.Equal(3, sink.Counter.EventDrainSuccessCount);
        Assert.Equal(1, sink.Counter.ConnectionCreatedCount);
    }

    [Fact]
    public async Task Without_prefix_or_extension_the_name_is_start_millis_dash_counter()
    {
        await using var sink = CreateSink();
        await sink.StartAsync(CancellationToken.None);

        Assert.Equal([$"{Start.ToUnixTimeMilliseconds()}-1"], FileNames());
    }

    [Fact]
    public async Task Rolls_to_the_next_file_once_the_interval_has_passed_on_the_injected_clock()
    {
        await using var sink = CreateSink(new() { ["sink.rollInterval"] = "30" });
        await sink.StartAsync(CancellationToken.None);
        var series = Start.ToUnixTimeMilliseconds();

        await PutTextAsync("a");
        await sink.ProcessAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(29));
        await PutTextAsync("b");
        await sink.ProcessAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await PutTextAsync("c");
        await sink.ProcessAsync(CancellationToken.None);

        Assert.Equal([$"{series}-1", $"{series}-2"], FileNames());
        Assert.Equal("a\nb\n", ReadFile($"{series}-1"));
        Assert.Equal("c\n", ReadFile($"{series}-2"));
        Assert.Equal(1, sink.Counter.ConnectionClosedCount);
    }

    [Fact]
    public async Task An_idle_interval_leaves_no_empty_file_and_rolls_stay_on_the_start_grid()
    {
        await using var sink = CreateSink(new() { ["sink.rollInterval"] = "10" });
        await sink.StartAsync(CancellationToken.None);
        var series = Start.ToUnixTimeMilliseconds();

        _time.Advance(TimeSpan.FromSeconds(95));
        Assert.Equal(SinkStatus.Backoff, await sink.ProcessAsync(CancellationToken.None));
        await PutTextAsync("late");
        await sink.ProcessAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(4));
        await PutTextAsync("same file");
        await sink.ProcessAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await PutTextAsync("next file");
        await sink.ProcessAsync(CancellationToken.None);

        Assert.Equal([$"{series}-1", $"{series}-2", $"{series}-3"], FileNames());
        Assert.Equal("", ReadFile($"{series}-1"));
        Assert.Equal("late\nsame file\n", ReadFile($"{series}-2"));
        Assert.Equal("next file\n", ReadFile($"{series}-3"));
    }

    [Fact]
    public async Task Roll_interval_zero_writes_everything_to_one_file()
    {
        await using var sink = CreateSink(new() { ["sink.rollInterval"] = "0" });
        await sink.StartAsync(CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            await PutTextAsync($"e{i}");
            await sink.ProcessAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromHours(1));
        }

        var only = Assert.Single(FileNames());
        Assert.Equal("e0\ne1\ne2\ne3\ne4\n", ReadFile(only));
    }

    [Fact]
    public async Task Takes_at_most_batchSize_events_per_write()
    {
        await using var sink = CreateSink(new() { ["sink.batchSize"] = "2" });
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("1", "2", "3");

        await sink.ProcessAsync(CancellationToken.None);

        Assert.Equal(1, _channel.Size);
        Assert.Equal("1\n2\n", ReadFile(Assert.Single(FileNames())));
    }

    [Fact]
    public async Task Header_and_text_writes_the_headers_as_a_map_then_the_body()
    {
        await using var sink = CreateSink(new() { ["sink.serializer"] = "header_and_text" });
        await sink.StartAsync(CancellationToken.None);
        await PutAsync(
            FlumeEvent.FromText("body", new Dictionary<string, string> { ["host"] = "h1", ["seq"] = "7" }),
            FlumeEvent.FromText("bare"));

        await sink.ProcessAsync(CancellationToken.None);

        Assert.Equal("{host=h1, seq=7} body\n{} bare\n", ReadFile(Assert.Single(FileNames())));
    }

    [Fact]
    public async Task Avro_event_files_roll_and_each_is_read_by_python3_avro_with_its_batches()
    {
        await using var sink = CreateSink(new() { ["sink.serializer"] = "avro_event", ["sink.serializer.compressionCodec"] = "deflate" });
        await sink.StartAsync(CancellationToken.None);
        await PutAsync(FlumeEvent.FromText("a", new Dictionary<string, string> { ["k"] = "v" }), FlumeEvent.FromText("b"));
        await sink.ProcessAsync(CancellationToken.None);
        await PutTextAsync("c");
        await sink.ProcessAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(30));
        await PutTextAsync("d");
        await sink.ProcessAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);

        var files = FileNames();
        Assert.Equal(2, files.Length);
        Assert.Equal(
            ["codec=deflate", """{"body": "a", "headers": {"k": "v"}}""", """{"body": "b", "headers": {}}""", """{"body": "c", "headers": {}}"""],
            AvroFiles.ReadWithPython(Path.Combine(_directory, files[0])));
        Assert.Equal(["codec=deflate", """{"body": "d", "headers": {}}"""], AvroFiles.ReadWithPython(Path.Combine(_directory, files[1])));
    }

    [Fact]
    public async Task Text_without_appendNewline_writes_bodies_back_to_back()
    {
        await using var sink = CreateSink(new() { ["sink.serializer"] = "TEXT", ["sink.serializer.appendNewline"] = "false" });
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("ab", "cd");

        await sink.ProcessAsync(CancellationToken.None);

        Assert.Equal("abcd", ReadFile(Assert.Single(FileNames())));
    }

    [Fact]
    public async Task A_missing_directory_fails_the_start_naming_the_key_and_the_path()
    {
        var missing = Path.Combine(_directory, "nope");
        var options = FileRollSinkOptions.From(new ComponentContext(
            "k1", "a1.sinks.k1.", new Dictionary<string, string> { ["sink.directory"] = missing }));
        await using var sink = new FileRollSink("k1", _channel, options, _time, NullLogger<FileRollSink>.Instance);

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => sink.StartAsync(CancellationToken.None));

        Assert.Equal("a1.sinks.k1.sink.directory", error.Key);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task A_directory_that_is_a_file_fails_the_start_naming_the_key()
    {
        var file = Path.Combine(_directory, "plain-file");
        await File.WriteAllTextAsync(file, "x");
        var options = FileRollSinkOptions.From(new ComponentContext(
            "k1", "a1.sinks.k1.", new Dictionary<string, string> { ["sink.directory"] = file }));
        await using var sink = new FileRollSink("k1", _channel, options, _time, NullLogger<FileRollSink>.Instance);

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => sink.StartAsync(CancellationToken.None));

        Assert.Equal("a1.sinks.k1.sink.directory", error.Key);
        Assert.Contains("is a file, not a folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_write_rolls_the_take_back_so_the_events_stay_in_the_channel()
    {
        await using var sink = CreateSink();
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync("kept");

        // With its file closed and its directory gone, the sink cannot write the batch anywhere, as on a lost disk.
        await sink.StopAsync(CancellationToken.None);
        Directory.Delete(_directory, recursive: true);

        await Assert.ThrowsAnyAsync<IOException>(async () => await sink.ProcessAsync(CancellationToken.None));

        Assert.Equal(1, _channel.Size);
        Assert.Equal(1, sink.Counter.EventWriteFail);
        Directory.CreateDirectory(_directory);
    }

    [Theory]
    [InlineData("sink.serializer", "no_such_serializer")]
    [InlineData("sink.pathManager", "ROLLTIME")]
    [InlineData("sink.rollInterval", "-1")]
    [InlineData("sink.batchSize", "0")]
    [InlineData("sink.serializer.appendNewline", "maybe")]
    public void A_bad_value_is_refused_naming_its_full_key(string key, string value)
    {
        var context = new ComponentContext(
            "k1", "a1.sinks.k1.", new Dictionary<string, string> { ["sink.directory"] = _directory, [key] = value });

        var error = Assert.Throws<ConfigurationException>(() => FileRollSinkOptions.From(context));

        Assert.Equal("a1.sinks.k1." + key, error.Key);
    }

    [Fact]
    public void The_directory_is_required()
    {
        var error = Assert.Throws<ConfigurationException>(() => FileRollSinkOptions.From(
            new ComponentContext("k1", "a1.sinks.k1.", new Dictionary<string, string>())));

        Assert.Equal("a1.sinks.k1.sink.directory", error.Key);
    }
}
