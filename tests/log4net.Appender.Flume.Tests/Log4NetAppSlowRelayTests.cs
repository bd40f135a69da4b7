using System.Text.RegularExpressions;
using Flume.Logging.Testing;
using Xunit.Abstractions;

namespace log4net.Appender.Flume.Tests;

/// <summary>The example app as a real process, configured with nothing but the relay address, against a relay too slow to keep up.</summary>
public sealed partial class Log4NetAppSlowRelayTests(ITestOutputHelper output) : IDisposable
{
    private readonly ExampleAppScenarios _app = new("Log4NetApp", "log4net.config", (hosts, _) => Log4NetAppRun.ConfigText(hosts), Body(), output.WriteLine);

    [Fact]
    public Task With_a_relay_too_slow_to_keep_up_calls_do_not_wait_the_exit_waits_at_most_the_shutdown_timeout_and_every_line_arrives_or_is_counted() =>
        _app.RequireSlowRelayCostsLittleAndEveryLineArrivesOrIsCountedAsync(frameworkLines: 0, "--threads", "4");

    public void Dispose() => _app.Dispose();

    [GeneratedRegex(@"line (?<line>\d+)")]
    private static partial Regex Body();
}
