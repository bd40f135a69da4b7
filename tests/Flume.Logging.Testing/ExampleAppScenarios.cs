using System.Globalization;
using System.Text.RegularExpressions;
using Flume.Logging.Appenders;
using Flume.Logging.Protocol;

namespace Flume.Logging.Testing;

/// <summary>
/// The runs every front end's example app is proved with, against real processes on 127.0.0.1: with a real relay up
/// (avro source, memory channel, avro sink, forwarding to an Avro server in the test), with the relay down (a closed
/// port), and with the relay down and a disk buffer, then up. The test writes the app's configuration (the relay
/// address, and the buffer folder when one is used) through <c>config</c>. The relay-up run returns what arrived for
/// the test to check; the others (relay down, a slow relay, the disk buffer) check what the issue requires themselves
/// and throw, naming what went wrong. An app that does not exit with 0 fails the run, with its output.
/// </summary>
public sealed class ExampleAppScenarios : IDisposable
{
    private static readonly TimeSpan AppTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Not a benchmark (BENCHMARKS.md has those: under 1 s for 100,000 calls from 4 threads): a bound that calls which
    /// waited cannot meet (100,000 calls from 4 threads waiting 0.2 ms each take 5 s; a Block wait is 100 ms), yet loose
    /// enough for test assemblies running side by side on 2 cores in Debug builds.
    /// </summary>
    public static readonly TimeSpan NoWaitBound = TimeSpan.FromSeconds(5);

    // Time for the runtime to start and for the log calls, on top of the shutdown timeout, on a loaded 2-core machine.
    private static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(5);

    private readonly string _app;
    private readonly string _configFile;
    private readonly Func<string, string?, string> _config;
    private readonly Regex _body;
    private readonly Func<FlumeEvent, bool> _isAppLine;
    private readonly Action<string> _output;
    private readonly string _directory;

    /// <param name="app">The app's assembly name, e.g. <c>NLogApp</c>.</param>
    /// <param name="configFileName">The name its configuration file is written under.</param>
    /// <param name="config">The configuration file's text for a relay address and an optional buffer folder.</param>
    /// <param name="body">The app's line bodies, with the line number in the group <c>line</c>.</param>
    /// <param name="output">Where each run's output is written, for the test log.</param>
    /// <param name="isAppLine">Which events are the app's numbered lines, when the app's framework logs lines of its
    /// own too (a generic host's lifetime lines); by default, every event.</param>
    public ExampleAppScenarios(string app, string configFileName, Func<string, string?, string> config, Regex body, Action<string> output, Func<FlumeEvent, bool>? isAppLine = null)
    {
        _app = app;
        _config = config;
        _body = body;
        _isAppLine = isAppLine ?? (_ => true);
        _output = output;
        _directory = Directory.CreateTempSubdirectory($"{app.ToLowerInvariant()}-test-").FullName;
        _configFile = Path.Combine(_directory, configFileName);
    }

    /// <summary>
    /// Runs the app against a relay that is up and returns the run, the lines the relay delivered (once
    /// <paramref name="lines"/> arrived) and the times before the start and after the exit.
    /// </summary>
    public async Task<(ExampleAppRun Run, DeliveredLines Delivered, DateTimeOffset Started, DateTimeOffset Ended)> RunWithRelayUpAsync(int lines, params string[] options)
    {
        await using var relay = await ForwardingRelay.StartAsync();
        var started = DateTimeOffset.UtcNow;
        var run = await RunAsync($"127.0.0.1:{relay.SourcePort}", null, lines, options);
        var ended = DateTimeOffset.UtcNow;
        return (run, await DeliveredAsync(relay, lines), started, ended);
    }

    /// <summary>
    /// Runs the app against a closed port (every connection is refused) and throws unless its log calls took under
    /// <see cref="NoWaitBound"/> in total, it exited within <paramref name="shutdownTimeout"/> plus a margin for the runtime's start and
    /// the calls, and the last dropped total its self-log reported (<c>N dropped in total</c>) is exactly
    /// <paramref name="lines"/>.
    /// </summary>
    public async Task RequireRelayDownCostsLittleAndDropsAreCountedAsync(int lines, TimeSpan shutdownTimeout, params string[] options)
    {
        using var closed = new ClosedPort();
        var run = await RunAsync(closed.HostAndPort, null, lines, options);
        if (run.LogCallsTook >= NoWaitBound)
        {
            throw new InvalidOperationException($"{lines} log calls took {run.LogCallsTook}, not under {NoWaitBound}");
        }

        if (run.Elapsed >= shutdownTimeout + ExitMargin)
        {
            throw new InvalidOperationException($"the app ran {run.Elapsed}, not within the shutdown timeout {shutdownTimeout} and {ExitMargin} to start and log");
        }

        if (run.DroppedTotal != lines)
        {
            throw new InvalidOperationException($"the app reported {run.DroppedTotal} dropped, not {lines}. Output:\n{run.Output}");
        }
    }

    /// <summary>
    /// Runs the app, with every appender setting at its default, against a relay that answers each request only after
    /// 200 ms: too slow to take 20,000 lines before the shutdown timeout. Throws unless the log calls took under
    /// <see cref="NoWaitBound"/> in total, the app exited within the shutdown timeout plus a margin, no line arrived
    /// twice, and every line either arrived or is in the dropped total the app reported. A request cut off by the
    /// deadline may still arrive after the app counted it as dropped (at-least-once), so up to one batch may be both.
    /// <paramref name="frameworkLines"/> lines the framework logs itself (a generic host's lifetime lines) may be in
    /// the dropped total too.
    /// </summary>
    public async Task RequireSlowRelayCostsLittleAndEveryLineArrivesOrIsCountedAsync(int frameworkLines, params string[] options)
    {
        const int lines = 20_000;
        var answerDelay = TimeSpan.FromMilliseconds(200);
        var defaults = new FlumeAppenderOptions();
        var (shutdownTimeout, batchSize) = (defaults.ShutdownTimeout, defaults.BatchSize);
        var received = new RecordingReceiver { Delay = answerDelay };
        await using var relay = await received.ServeAvroAsync();
        var run = await RunAsync($"127.0.0.1:{relay.LocalEndPoint.Port}", null, lines, options);
        if (run.LogCallsTook >= NoWaitBound)
        {
            throw new InvalidOperationException($"{lines} log calls took {run.LogCallsTook} against a slow relay, not under {NoWaitBound}");
        }

        if (run.Elapsed >= shutdownTimeout + ExitMargin)
        {
            throw new InvalidOperationException($"the app ran {run.Elapsed} against a slow relay, not within the shutdown timeout {shutdownTimeout} and {ExitMargin} to start and log");
        }

        // A request the deadline cut off is still answered (and recorded) once its delay is over: the app has exited,
        // so once its connections are closed, everything it sent is recorded.
        await Eventually.TrueAsync(() => received.OpenConnections == 0, "the exited app's connections closed");
        var delivered = DeliveredLines.Parse(received.Events.Where(_isAppLine), _body);
        if (delivered.Numbers.Distinct().Count() != delivered.Numbers.Count)
        {
            throw new InvalidOperationException("a line arrived twice from a slow relay");
        }

        var accounted = delivered.Numbers.Count + run.DroppedTotal;
        if (accounted < lines || accounted > lines + batchSize + frameworkLines || delivered.Numbers.Count == 0 || run.DroppedTotal == 0)
        {
            throw new InvalidOperationException($"{delivered.Numbers.Count} lines arrived and {run.DroppedTotal} were reported dropped, of {lines} (a slow relay should take some and the deadline drop the rest). Output:\n{run.Output}");
        }
    }

    /// <summary>
    /// Runs the app with a disk buffer against a closed port (<paramref name="firstRun"/> lines), then with the same
    /// buffer against a relay that is up (<paramref name="secondRun"/> lines), and throws unless neither run dropped
    /// anything and the relay delivered the first run's lines, in order, before the second run's.
    /// </summary>
    public async Task RequireBufferedLinesDeliveredFirstInOrderAsync(int firstRun, int secondRun)
    {
        var buffer = Path.Combine(_directory, "buffer");
        ExampleAppRun down;
        using (var closed = new ClosedPort())
        {
            down = await RunAsync(closed.HostAndPort, buffer, firstRun, []);
        }

        await using var relay = await ForwardingRelay.StartAsync();
        var up = await RunAsync($"127.0.0.1:{relay.SourcePort}", buffer, secondRun, []);
        var delivered = await DeliveredAsync(relay, firstRun + secondRun);
        if ((down.Output + up.Output).Contains("dropped", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"a run dropped events. Output:\n{down.Output}\n{up.Output}");
        }

        delivered.RequireSequence([.. Enumerable.Range(1, firstRun), .. Enumerable.Range(1, secondRun)]);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleanup.
        }
    }

    private async Task<ExampleAppRun> RunAsync(string hosts, string? bufferPath, int lines, string[] options)
    {
        await File.WriteAllTextAsync(_configFile, _config(hosts, bufferPath));
        var run = await ExampleAppRun.RunAsync($"{_app}.dll", [lines.ToString(CultureInfo.InvariantCulture), _configFile, .. options], timeout: AppTimeout);
        _output(run.Output);
        return run.ExitCode == 0 ? run : throw new InvalidOperationException($"{_app} exited with {run.ExitCode}. Output:\n{run.Output}");
    }

    private async Task<DeliveredLines> DeliveredAsync(ForwardingRelay relay, int count)
    {
        await Eventually.TrueAsync(() => relay.Received.Events.Count(_isAppLine) >= count, $"{count} events at the receiver");
        var exitCode = await relay.Relay.StopAsync();
        return exitCode == 0
            ? DeliveredLines.Parse(relay.Received.Events.Where(_isAppLine), _body)
            : throw new InvalidOperationException($"the relay exited with {exitCode}. Output:\n{relay.Relay.Process.Output}");
    }
}
