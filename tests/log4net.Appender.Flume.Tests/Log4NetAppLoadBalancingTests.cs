using System.Text;
using Flume.Logging.Testing;

namespace log4net.Appender.Flume.Tests;

/// <summary>
/// The example app load-balancing over two relays with file channels, one killed mid-run and restarted after the app
/// has exited (so what it had acknowledged is forwarded): every line arrives.
/// </summary>
public sealed class Log4NetAppLoadBalancingTests : IDisposable
{
    // Fewer than the other runs: the file channels sync every batch, and a loaded machine must still drain them all
    // within the app's ShutdownTimeout.
    private const int Lines = 50_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("log4netapp-lb-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Every_line_arrives_when_one_of_two_relays_is_killed_mid_run()
    {
        await using var relays = await FileChannelRelays.StartAsync(2);
        var config = Log4NetAppRun.WriteConfig(_directory, relays.Hosts);
        using var app = Log4NetAppRun.Start(config, Lines, threads: 4, "shutdown");

        // The calls are done and the appender is sending them to both relays: kill one at once. Waiting for the first
        // lines to come out of the relays as well left too narrow a window (a fresh CI run saw the app deliver all
        // 50,000 and exit before the kill); the file channels' syncs make the delivery take far longer than this.
        await app.WaitForLineAsync("log calls took");
        relays.Kill(1);
        Assert.False(app.HasExited, "the app had delivered everything before the relay could be killed");

        await app.WaitForSuccessAsync(TimeSpan.FromSeconds(90));
        Assert.Contains($"logged {Lines} lines", app.Output, StringComparison.Ordinal);
        Log4NetAppRun.AssertNothingDropped(app.Output);
        await relays.RestartAsync(1);
        await Eventually.TrueAsync(
            () => relays.Received.Events.Count >= Lines && relays.Received.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)).Distinct().Count() == Lines,
            $"every line at the receiver (got {relays.Received.Events.Count})",
            TimeSpan.FromSeconds(60));
        var bodies = relays.Received.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)).ToHashSet();
        Assert.All(Enumerable.Range(1, Lines), i => Assert.Contains($"line {i}", bodies));
    }
}
