using System.Globalization;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// The spooling-directory example (spooldir -> file channel -> logger), run on a real relay with only its folder
/// changed. Its file channel sets no folders, so it uses Flume's defaults under HOME: each test gives the relay a
/// HOME of its own.
/// </summary>
public sealed class SpoolDirTests : IDisposable
{
    private readonly string _spoolDir = Directory.CreateTempSubdirectory("relay-spool-").FullName;
    private readonly string _home = Directory.CreateTempSubdirectory("relay-home-").FullName;

    private Dictionary<string, string> Home => new() { ["HOME"] = _home };

    public void Dispose()
    {
        Directory.Delete(_spoolDir, recursive: true);
        Directory.Delete(_home, recursive: true);
    }

    /// <summary>The seed example as written, with the macOS path replaced.</summary>
    private string Example() => $"""
        a1.sources = source1
        a1.sinks = sink1
        a1.channels = c1
        a1.sources.source1.channels = c1
        a1.sinks.sink1.channel = c1
        a1.sources.source1.type = spooldir
        a1.sources.source1.spoolDir = {_spoolDir}
        a1.sinks.sink1.type = logger
        a1.channels.c1.type = file
        """;

    private static string Lines(string name, int count) =>
        string.Concat(Enumerable.Range(0, count).Select(i => $"{name}-{i}\n"));

    [Fact]
    public async Task Every_line_of_two_dropped_files_is_logged_and_both_files_end_up_completed()
    {
        var before = Path.Combine(_spoolDir, "before.log");
        await File.WriteAllTextAsync(before, Lines("before", 150));
        using var relay = await RelayProcess.StartRunningAsync(Example(), Home, "a1", "-Dflume.root.logger=INFO,console");

        var after = Path.Combine(_spoolDir, "after.log");
        var staging = Path.Combine(_spoolDir, ".after.log.part");
        await File.WriteAllTextAsync(staging, Lines("after", 5));
        File.Move(staging, after);

        await relay.Process.WaitForLineAsync("body: 61 66 74 65 72 2D 34", TimeSpan.FromSeconds(30));
        await relay.Process.WaitForLineAsync("completed " + after, TimeSpan.FromSeconds(30));
        await relay.Process.WaitForLineAsync("body: 62 65 66 6F 72 65 2D 31 34 39", TimeSpan.FromSeconds(30));
        Assert.Equal(0, await relay.StopAsync());

        var logged = relay.Process.Lines.Where(l => l.Contains("Event: { headers:{} body:", StringComparison.Ordinal)).ToList();
        var expected = Enumerable.Range(0, 150).Select(i => $"before-{i}").Concat(Enumerable.Range(0, 5).Select(i => $"after-{i}")).ToList();
        Assert.Equal(expected.Count, logged.Count);
        foreach (var line in expected)
        {
            Assert.Single(logged, l => l.EndsWith($" {line} }}", StringComparison.Ordinal));
        }

        Assert.True(File.Exists(before + ".COMPLETED"));
        Assert.True(File.Exists(after + ".COMPLETED"));
        Assert.False(File.Exists(before));
        Assert.False(File.Exists(after));
    }

    [Fact]
    public async Task After_kill_9_mid_file_a_restarted_relay_loses_no_line_and_finishes_the_file()
    {
        // Delivered to a receiver, not to the logger sink: the relay's console log is asynchronous, so a SIGKILL
        // can drop lines already handed to it, which would say nothing about the channel.
        const int total = 20_000;
        const int batchSize = 10;
        var file = Path.Combine(_spoolDir, "big.log");
        await File.WriteAllTextAsync(file, Lines("l", total));
        var received = new RecordingReceiver();
        await using var receiver = await received.ServeAvroAsync();
        var configuration = Example().Replace("a1.sinks.sink1.type = logger", $"""
            a1.sinks.sink1.type = avro
            a1.sinks.sink1.hostname = 127.0.0.1
            a1.sinks.sink1.port = {receiver.LocalEndPoint.Port}
            """, StringComparison.Ordinal) + $"\na1.sources.source1.batchSize = {batchSize}\n";

        using (var first = await RelayProcess.StartRunningAsync(configuration, Home, "a1"))
        {
            await Eventually.TrueAsync(() => received.Events.Count >= 500, "500 lines at the receiver");
            first.Process.Kill();
        }

        Assert.True(received.Events.Count < total, "the first relay finished the file before it was killed");
        Assert.True(File.Exists(file));
        using var second = await RelayProcess.StartRunningAsync(configuration, Home, "a1");
        await second.Process.WaitForLineAsync("completed " + file, TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(() => Numbers(received).Distinct().Count() == total, "every line at the receiver", TimeSpan.FromSeconds(60));
        Assert.Equal(0, await second.StopAsync());

        // Duplicates are bounded by the source batch committed but not yet recorded, plus the sink batch
        // (batch-size 100) delivered but not yet committed when the first relay died.
        var all = Numbers(received);
        Assert.Equal(Enumerable.Range(0, total), all.Distinct().Order());
        Assert.True(all.Count - total <= batchSize + 100, $"{all.Count - total} duplicates");
        Assert.True(File.Exists(file + ".COMPLETED"));
    }

    private static List<int> Numbers(RecordingReceiver received) =>
        received.Events
            .Select(e => int.Parse(System.Text.Encoding.UTF8.GetString(e.Body.Span).AsSpan(2), CultureInfo.InvariantCulture))
            .ToList();

    [Fact]
    public async Task A_missing_spool_dir_stops_the_relay_with_one_line_naming_the_key_and_the_path()
    {
        var missing = Path.Combine(_spoolDir, "missing");
        using var relay = RelayProcess.Start(Example().Replace(_spoolDir, missing, StringComparison.Ordinal), Home, "--name", "a1");

        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(relay.Process.Lines, l => l.Contains("a1.sources.source1.spoolDir", StringComparison.Ordinal) && l.Contains(missing, StringComparison.Ordinal));
    }
}
