using System.Text.RegularExpressions;
using Flume.Logging.Testing;
using Xunit.Abstractions;

namespace Flume.Logging.Extensions.Tests;

/// <summary>The example app as a real process, configured with nothing but the relay address, against a relay too slow to keep up.</summary>
public sealed partial class SlowRelayTests(ITestOutputHelper output) : IDisposable
{
    private readonly ExampleAppScenarios _app = new("ExtensionsLoggingApp", "appsettings.json", Config, Body(), output.WriteLine);

    [Fact]
    public Task With_a_relay_too_slow_to_keep_up_calls_do_not_wait_the_exit_waits_at_most_the_shutdown_timeout_and_every_line_arrives_or_is_counted() =>
        _app.RequireSlowRelayCostsLittleAndEveryLineArrivesOrIsCountedAsync("--threads", "4");

    public void Dispose() => _app.Dispose();

    [GeneratedRegex(@"line (?<line>\d+) of \d+")]
    private static partial Regex Body();

    private static string Config(string hosts, string? bufferPath) => $$"""{ "Logging": { "Flume": { "Hosts": "{{hosts}}" } } }""";
}
