using System.Globalization;
using System.Text;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Xunit.Abstractions;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// The TAILDIR source on a real relay: the user guide's example, a writer rotating its log by rename and by
/// copytruncate, and kill -9 while the log is written and rotated.
/// </summary>
public sealed class TaildirTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("relay-taildir-").FullName;
    private readonly RecordingReceiver _received = new();
    private IRpcServer? _receiver;

    private string Logs => Path.Combine(_root, "logs");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Logs);
        _receiver = await _received.ServeAvroAsync();
    }

    public async Task DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    /// <summary>taildir (one group, <paramref name="pattern"/> in the log folder) -> file channel -> avro sink to the receiver.</summary>
    private string Config(string pattern) => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = TAILDIR
        a1.sources.r1.channels = c1
        a1.sources.r1.positionFile = {_root}/state/taildir_position.json
        a1.sources.r1.filegroups = f1
        a1.sources.r1.filegroups.f1 = {Logs}/{pattern}
        a1.sources.r1.writePosInterval = 500
        a1.sources.r1.maxBackoffSleep = 100
        a1.sources.r1.backoffSleepIncrement = 50
        a1.channels.c1.type = file
        a1.channels.c1.checkpointDir = {_root}/checkpoint
        a1.channels.c1.dataDirs = {_root}/data
        a1.channels.c1.checkpointInterval = 1000
        a1.channels.c1.minimumRequiredSpace = 0
        a1.sinks.k1.type = avro
        a1.sinks.k1.channel = c1
        a1.sinks.k1.hostname = 127.0.0.1
        a1.sinks.k1.port = {_receiver!.LocalEndPoint.Port}
        a1.sinks.k1.batch-size = 100
        a1.sinks.k1.connect-timeout = 1000
        a1.sinks.k1.request-timeout = 3000
        """;

    private List<int> Numbers() =>
        _received.Events.Select(e => int.Parse(Encoding.UTF8.GetString(e.Body.Span).AsSpan(2), CultureInfo.InvariantCulture)).ToList();

    /// <summary>
    /// Appends line <paramref name="number"/> to the live log after all the others and waits for it: the source has
    /// read the folder again since it delivered the rest, so a line it were to read twice would be in by now.
    /// </summary>
    private async Task MarkerArrivedAsync(RotatingLogWriter writer, int number)
    {
        await File.AppendAllTextAsync(writer.LogPath, $"l-{number.ToString("D7", CultureInfo.InvariantCulture)}\n");
        await Eventually.TrueAsync(() => Numbers().Contains(number), "the marker line after the rest", TimeSpan.FromSeconds(60));
    }

    private Task AllArrivedAsync(int written, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => Numbers().Distinct().Count() >= written, $"{written} lines at the receiver (have {Numbers().Distinct().Count()})", timeout ?? TimeSpan.FromSeconds(60));

    [Fact]
    public async Task The_user_guide_example_runs_with_its_paths_moved_to_a_temp_folder_and_sets_its_headers()
    {
        var shipped = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "examples", "flume", "taildir-memory-logger.properties"));
        Assert.Contains("/var/log/test2/.*log.*", shipped, StringComparison.Ordinal);
        var configuration = shipped.Replace("/var/log/", _root + "/", StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(_root, "test1"));
        Directory.CreateDirectory(Path.Combine(_root, "test2"));
        var example = Path.Combine(_root, "test1", "example.log");
        var other = Path.Combine(_root, "test2", "app.log.1");
        await File.WriteAllTextAsync(example, "one\n");

        using var relay = await RelayProcess.StartRunningAsync(configuration, "a1", "-Dflume.root.logger=INFO,console");
        await File.AppendAllTextAsync(other, "two\n");

        var first = await relay.Process.WaitForLineAsync("body: 6F 6E 65", TimeSpan.FromSeconds(30));
        var second = await relay.Process.WaitForLineAsync("body: 74 77 6F", TimeSpan.FromSeconds(30));
        Assert.Contains($"headers:{{headerKey1=value1, file={example}}}", first, StringComparison.Ordinal);
        Assert.Contains("headerKey1=value2", second, StringComparison.Ordinal);
        Assert.Contains("headerKey2=value2-2", second, StringComparison.Ordinal);
        Assert.Contains($"file={other}", second, StringComparison.Ordinal);
        Assert.Equal(0, await relay.StopAsync());
        Assert.True(File.Exists(Path.Combine(_root, "flume", "taildir_position.json")));
    }

    [Fact]
    public async Task Every_line_arrives_exactly_once_while_the_writer_rotates_by_rename()
    {
        const int total = 12_000;
        using var relay = await RelayProcess.StartRunningAsync(Config("app[.]log.*"));
        var writer = new RotatingLogWriter(Logs, copyTruncate: false, linesPerFile: 1500);

        await writer.RunAsync(total, TimeSpan.FromMilliseconds(10));
        await AllArrivedAsync(total);
        await MarkerArrivedAsync(writer, total);
        Assert.Equal(0, await relay.StopAsync());

        Assert.Equal(8, writer.Rotations);
        Assert.Equal(Enumerable.Range(0, total + 1), Numbers().Order());
    }

    [Fact]
    public async Task Every_line_arrives_exactly_once_while_the_writer_rotates_by_copytruncate()
    {
        // The copies (app.log.N) do not match, as with logrotate's copytruncate; the writer rotates only once the
        // relay has its lines, since lines written after the copy and before the truncation are lost to any reader.
        // A truncation is seen as the file shrinking below the read offset, so the source must look (idle, at most
        // every maxBackoffSleep = 100 ms) before the writer has refilled it to that size: 20 chunks 10 ms apart. With
        // 300 ms the refilled file once looked unchanged and its 1,000 lines never arrived (seen once in CI).
        const int total = 6000;
        using var relay = await RelayProcess.StartRunningAsync(Config("app[.]log"));
        var writer = new RotatingLogWriter(Logs, copyTruncate: true, linesPerFile: 1000);

        await writer.RunAsync(total, TimeSpan.FromMilliseconds(10), written => AllArrivedAsync(written));
        await AllArrivedAsync(total);
        await MarkerArrivedAsync(writer, total);
        Assert.Equal(0, await relay.StopAsync());

        Assert.Equal(6, writer.Rotations);
        Assert.Equal(Enumerable.Range(0, total + 1), Numbers().Order());
        Assert.True(relay.Process.CountLines("truncated, reading it again from 0") >= 5, relay.Process.Output);
    }

    [Fact]
    public async Task After_ten_kill_9s_while_the_log_is_written_and_rotated_every_line_arrives_and_restarts_resume_from_the_position_file()
    {
        const int kills = 10;
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var config = Config("app[.]log.*");
        var writer = new RotatingLogWriter(Logs, copyTruncate: false, linesPerFile: 2000);
        using var stopWriting = new CancellationTokenSource();
        var writing = writer.RunAsync(int.MaxValue, TimeSpan.FromMilliseconds(25), stop: stopWriting.Token);
        var resumed = 0;
        try
        {
            for (var kill = 0; kill < kills; kill++)
            {
                using var relay = await RelayProcess.StartRunningAsync(config);
                await Task.Delay(random.Next(700, 2500));
                relay.Process.Kill();
                if (relay.Process.Lines.Any(l => l.Contains("following", StringComparison.Ordinal) && !l.EndsWith("from offset 0", StringComparison.Ordinal)))
                {
                    resumed++;
                }
            }
        }
        finally
        {
            await stopWriting.CancelAsync();
            await writing;
        }

        var total = writer.Written;
        using (var last = await RelayProcess.StartRunningAsync(config))
        {
            await AllArrivedAsync(total, TimeSpan.FromSeconds(120));
            Assert.Equal(0, await last.StopAsync());
        }

        var numbers = Numbers();
        var duplicates = numbers.Count - total;
        output.WriteLine($"written {total} lines in {writer.Rotations + 1} files, delivered {numbers.Count} ({duplicates} duplicates), resumed from a position {resumed} times");
        Assert.Equal(Enumerable.Range(0, total), numbers.Distinct().Order());
        Assert.True(total > 10_000, $"the load was too small to prove anything: {total} lines");
        Assert.True(resumed >= kills - 1, $"only {resumed} restarts resumed from a recorded position");

        // Each restart re-sends at most what was committed after the last position write, so a line can come again
        // at most once per kill; how many lines that is depends on how loaded the machine is, not on the source.
        var mostCopies = numbers.GroupBy(n => n).Max(g => g.Count());
        Assert.True(mostCopies <= kills + 1, $"a line arrived {mostCopies} times in {kills} kills ({duplicates} duplicates)");
    }
}
