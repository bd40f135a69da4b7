using System.Text.RegularExpressions;
using Flume.Logging.Appenders;
using Flume.Logging.Testing;
using Xunit.Abstractions;

namespace NLog.Targets.Flume.Tests;

/// <summary>
/// The promise of issue #10, proved with real processes: examples/NLogApp on an NLog.config that sets nothing on the
/// Flume target but its relay address (and the buffer folder where one is used), ended by each NLog shutdown idiom.
/// </summary>
public sealed partial class NLogAppEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private const int Lines = 100_000;
    private readonly ExampleAppScenarios _app = new("NLogApp", "NLog.config", Config, Body(), output.WriteLine);

    [Theory]
    [InlineData("shutdown")]
    [InlineData("exit")]
    public async Task Each_shutdown_idiom_alone_delivers_all_100000_lines_from_4_threads_exactly_once_with_log4j_headers(string idiom)
    {
        var (run, delivered, started, ended) = await _app.RunWithRelayUpAsync(Lines, "--threads", "4", "--shutdown", idiom);

        Assert.Equal(Lines, run.LinesLogged);
        Assert.DoesNotContain("dropped", run.Output, StringComparison.Ordinal);
        delivered.RequireExactlyOnce(Lines);
        delivered.RequireLog4jHeaders("NLogApp", _ => "20000", started, ended);
    }

    [Fact]
    public Task With_the_relay_down_100000_calls_take_under_a_second_and_shutdown_reports_all_of_them_dropped_within_the_shutdown_timeout() =>
        _app.RequireRelayDownCostsLittleAndDropsAreCountedAsync(Lines, new FlumeAppenderOptions().ShutdownTimeout, "--threads", "4");

    [Fact]
    public Task With_a_relay_too_slow_to_keep_up_calls_do_not_wait_the_exit_waits_at_most_the_shutdown_timeout_and_every_line_arrives_or_is_counted() =>
        _app.RequireSlowRelayCostsLittleAndEveryLineArrivesOrIsCountedAsync(frameworkLines: 0, "--threads", "4");

    [Fact]
    public Task With_the_relay_down_a_buffer_path_keeps_the_lines_and_the_next_run_delivers_them_first_in_order() =>
        _app.RequireBufferedLinesDeliveredFirstInOrderAsync(20_000, 1_000);

    public void Dispose() => _app.Dispose();

    [GeneratedRegex(@"line (?<line>\d+)")]
    private static partial Regex Body();


    private static string Config(string hosts, string? bufferPath) => $"""
        <nlog xmlns="http://www.nlog-project.org/schemas/NLog.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <extensions><add assembly="NLog.Targets.Flume" /></extensions>
          <targets><target xsi:type="Flume" name="flume" hosts="{hosts}"{(bufferPath is null ? "" : $" bufferPath=\"{bufferPath}\"")} /></targets>
          <rules><logger name="*" minlevel="Info" writeTo="flume" /></rules>
        </nlog>
        """;
}
