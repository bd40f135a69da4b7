using System.Text.RegularExpressions;
using Flume.Logging.Appenders;
using Flume.Logging.Testing;
using Xunit.Abstractions;

namespace Flume.Logging.Extensions.Tests;

/// <summary>The example app as a real process, configured with nothing but the relay address, against a relay too slow to keep up.</summary>
public sealed partial class SlowRelayTests(ITestOutputHelper output) : IDisposable
{
    // A generic host logs its own lifetime lines too; the app's lines are those of its category.
    private readonly ExampleAppScenarios _app = new(
        "ExtensionsLoggingApp", "appsettings.json", Config, Body(), output.WriteLine, e => e.Headers[Log4jHeaders.LoggerName] == "ExtensionsLoggingApp");

    [Theory]
    [InlineData("dispose", 0)]
    [InlineData("host", 4)] // the generic host's four lifetime lines may be dropped with the app's
    public Task With_a_relay_too_slow_to_keep_up_calls_do_not_wait_the_exit_waits_at_most_the_shutdown_timeout_and_every_line_arrives_or_is_counted(string idiom, int frameworkLines) =>
        _app.RequireSlowRelayCostsLittleAndEveryLineArrivesOrIsCountedAsync(frameworkLines, "--threads", "4", "--shutdown", idiom);

    public void Dispose() => _app.Dispose();

    [GeneratedRegex(@"line (?<line>\d+) of \d+")]
    private static partial Regex Body();

    private static string Config(string hosts, string? bufferPath) => $$"""{ "Logging": { "Flume": { "Hosts": "{{hosts}}" } } }""";
}
