using System.Globalization;
using System.Text.RegularExpressions;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>The spooling-directory example, run on a real relay with only its folder (and, for now, its channel type) changed.</summary>
public sealed partial class SpoolDirTests : IDisposable
{
    private readonly string _spoolDir = Directory.CreateTempSubdirectory("relay-spool-").FullName;

    public void Dispose() => Directory.Delete(_spoolDir, recursive: true);

    /// <summary>
    /// The seed example as written, with the macOS path replaced and the file channel (not built yet) replaced by
    /// a memory channel.
    /// </summary>
    private string Example() => $"""
        a1.sources = source1
        a1.sinks = sink1
        a1.channels = c1
        a1.sources.source1.channels = c1
        a1.sinks.sink1.channel = c1
        a1.sources.source1.type = spooldir
        a1.sources.source1.spoolDir = {_spoolDir}
        a1.sinks.sink1.type = logger
        a1.channels.c1.type = memory
        """;

    private static string Lines(string name, int count) =>
        string.Concat(Enumerable.Range(0, count).Select(i => $"{name}-{i}\n"));

    [Fact]
    public async Task Every_line_of_two_dropped_files_is_logged_and_both_files_end_up_completed()
    {
        var before = Path.Combine(_spoolDir, "before.log");
        await File.WriteAllTextAsync(before, Lines("before", 150));
        using var relay = await RelayProcess.StartRunningAsync(Example(), "a1", "-Dflume.root.logger=INFO,console");

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
    public async Task After_kill_9_mid_file_a_restarted_relay_resends_at_most_one_batch_and_finishes_the_file()
    {
        const int total = 20_000;
        const int batchSize = 10;
        var file = Path.Combine(_spoolDir, "big.log");
        await File.WriteAllTextAsync(file, Lines("l", total));
        var configuration = Example() + $"\na1.sources.source1.batchSize = {batchSize}\n";

        int lastBeforeKill;
        using (var first = await RelayProcess.StartRunningAsync(configuration, "a1", "-Dflume.root.logger=INFO,console"))
        {
            await first.Process.WaitForLineAsync(" l-500 }", TimeSpan.FromSeconds(30));
            first.Process.Kill();
            lastBeforeKill = LoggedNumbers(first.Process).Max();
        }

        Assert.True(lastBeforeKill < total - 1, "the first relay finished the file before it was killed");
        Assert.True(File.Exists(file));
        using var second = await RelayProcess.StartRunningAsync(configuration, "a1", "-Dflume.root.logger=INFO,console");
        await second.Process.WaitForLineAsync("completed " + file, TimeSpan.FromSeconds(60));
        await second.Process.WaitForLineAsync($" l-{total - 1} }}", TimeSpan.FromSeconds(60));
        Assert.Equal(0, await second.StopAsync());

        // The restart resumes from the recorded position: it re-sends at most the one batch that may have been
        // committed but not yet recorded. (Lines the first relay's memory channel held when it died are lost with
        // it, so "none missing" is proven by the unit tests and, later, with the file channel.)
        var resent = LoggedNumbers(second.Process);
        Assert.True(resent[0] >= lastBeforeKill + 1 - batchSize, $"restarted at l-{resent[0]}, but l-{lastBeforeKill} was already logged");
        Assert.Equal(Enumerable.Range(resent[0], total - resent[0]), resent);
        Assert.True(File.Exists(file + ".COMPLETED"));
    }

    private static List<int> LoggedNumbers(PeerProcess process) =>
        process.Lines
            .Select(line => LoggedLine().Match(line))
            .Where(match => match.Success)
            .Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();

    [GeneratedRegex(@"Event: \{ headers:\{\} body: .* l-(\d+) \}$")]
    private static partial Regex LoggedLine();

    [Fact]
    public async Task A_missing_spool_dir_stops_the_relay_with_one_line_naming_the_key_and_the_path()
    {
        var missing = Path.Combine(_spoolDir, "missing");
        using var relay = RelayProcess.Start(Example().Replace(_spoolDir, missing, StringComparison.Ordinal), "--name", "a1");

        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(relay.Process.Lines, l => l.Contains("a1.sources.source1.spoolDir", StringComparison.Ordinal) && l.Contains(missing, StringComparison.Ordinal));
    }
}
