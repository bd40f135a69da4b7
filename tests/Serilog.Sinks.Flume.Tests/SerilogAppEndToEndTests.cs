using System.Globalization;
using System.Text.RegularExpressions;
using Flume.Logging.Appenders;
using Flume.Logging.Testing;
using Xunit.Abstractions;

namespace Serilog.Sinks.Flume.Tests;

/// <summary>
/// The promise of issue #10, proved with real processes: examples/SerilogApp on an appsettings.json that gives the
/// Flume sink nothing but its relay address, logging from 4 threads, ended by each Serilog shutdown idiom, against a
/// real relay (avro source, memory channel, avro sink) forwarding to an Avro server in this test, or a closed port.
/// </summary>
public sealed partial class SerilogAppEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private const int Lines = 100_000;
    private static readonly TimeSpan DefaultShutdownTimeout = new FlumeAppenderOptions().ShutdownTimeout;
    private readonly string _directory = Directory.CreateTempSubdirectory("serilogapp-test-").FullName;

    [Theory]
    [InlineData("closeandflush")]
    [InlineData("closeandflushasync")]
    [InlineData("awaitusing")]
    public async Task Each_shutdown_idiom_alone_delivers_all_100000_lines_from_4_threads_exactly_once_with_log4j_headers(string idiom)
    {
        await using var relay = await ForwardingRelay.StartAsync();
        var started = DateTimeOffset.UtcNow;

        var run = await RunAppAsync(WriteConfig($"127.0.0.1:{relay.SourcePort}"), Lines, "--threads", "4", "--shutdown", idiom);

        var ended = DateTimeOffset.UtcNow;
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Lines, run.LinesLogged);
        Assert.DoesNotContain("dropped", run.Output, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => relay.Received.Events.Count >= Lines, $"{Lines} events at the receiver");
        Assert.Equal(0, await relay.Relay.StopAsync());
        var delivered = DeliveredLines.Parse(relay.Received.Events, Body());
        delivered.RequireExactlyOnce(Lines);
        delivered.RequireLog4jHeaders("SerilogApp.Program", line => line % 1000 == 0 ? "30000" : "20000", started, ended);
    }

    [Fact]
    public async Task With_the_relay_down_100000_calls_take_under_a_second_and_CloseAndFlush_self_logs_all_of_them_dropped_within_the_shutdown_timeout()
    {
        var run = await RunAppAsync(WriteConfig($"127.0.0.1:{FreePort.Next()}"), Lines, "--threads", "4");

        Assert.Equal(0, run.ExitCode);
        Assert.True(run.LogCallsTook < TimeSpan.FromSeconds(1), $"100000 log calls took {run.LogCallsTook}");
        // The margin covers the runtime's start and the log calls; the shutdown itself is bounded by the timeout.
        Assert.True(run.Elapsed < DefaultShutdownTimeout + TimeSpan.FromSeconds(5), $"the app ran {run.Elapsed}");
        Assert.Equal(Lines, run.LastNumber(DroppedTotal()));
    }

    [Fact]
    public async Task With_the_relay_down_a_buffer_path_keeps_the_lines_and_the_next_run_delivers_them_first_in_order()
    {
        const int firstRun = 20_000;
        const int secondRun = 1_000;
        var buffer = Path.Combine(_directory, "buffer");
        var down = await RunAppAsync(WriteConfig($"127.0.0.1:{FreePort.Next()}", buffer), firstRun);
        Assert.Equal(0, down.ExitCode);
        Assert.DoesNotContain("dropped", down.Output, StringComparison.Ordinal);

        await using var relay = await ForwardingRelay.StartAsync();
        var up = await RunAppAsync(WriteConfig($"127.0.0.1:{relay.SourcePort}", buffer), secondRun);

        Assert.Equal(0, up.ExitCode);
        Assert.DoesNotContain("dropped", up.Output, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => relay.Received.Events.Count >= firstRun + secondRun, $"{firstRun + secondRun} events at the receiver");
        Assert.Equal(0, await relay.Relay.StopAsync());
        var delivered = DeliveredLines.Parse(relay.Received.Events, Body());
        Assert.Equal([.. Enumerable.Range(1, firstRun), .. Enumerable.Range(1, secondRun)], delivered.Numbers);
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

    [GeneratedRegex(@"line (?<line>\d+) of \d+")]
    private static partial Regex Body();

    [GeneratedRegex(@"(\d+) dropped in total")]
    private static partial Regex DroppedTotal();

    /// <summary>An appsettings.json whose Flume sink sets only the relay address (and the buffer folder when given).</summary>
    private string WriteConfig(string hosts, string? bufferPath = null)
    {
        var buffer = bufferPath is null ? "" : $", \"bufferPath\": \"{bufferPath}\"";
        var file = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(file, $$"""
            { "Serilog": { "Using": [ "Serilog.Sinks.Flume" ],
                           "WriteTo": [ { "Name": "Flume", "Args": { "hosts": "{{hosts}}"{{buffer}} } } ] } }
            """);
        return file;
    }

    private async Task<ExampleAppRun> RunAppAsync(string config, int lines, params string[] options)
    {
        var run = await ExampleAppRun.RunAsync("SerilogApp", [lines.ToString(CultureInfo.InvariantCulture), config, .. options], _directory, TimeSpan.FromSeconds(60));
        output.WriteLine(run.Output);
        return run;
    }
}
