using Flume.Logging.Appenders;
using Flume.Logging.Testing;

namespace log4net.Appender.Flume.Tests;

/// <summary>The example app as a real process while its relay is down and nothing but the relay address is configured.</summary>
[Collection(nameof(TimedCollection))]
public sealed class Log4NetAppRelayDownTests : IDisposable
{
    private const int Lines = 100_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("log4netapp-down-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Calls_from_4_threads_never_wait_the_exit_waits_at_most_ShutdownTimeout_and_every_drop_is_counted()
    {
        var shutdownTimeout = new FlumeAppenderOptions().ShutdownTimeout;
        using var closed = new ClosedPort();
        var config = Log4NetAppRun.WriteConfig(_directory, closed.HostAndPort);

        var run = await Log4NetAppRun.RunAsync(config, Lines, threads: 4);

        var calls = run.LogCallsTook;
        Assert.True(calls < ExampleAppScenarios.NoWaitBound, $"the log calls took {calls}");
        // The core gives the relays until ShutdownTimeout, and allows itself one more second to stop a stuck send.
        var shutdown = Log4NetAppRun.ShutdownTook(run.Output);
        Assert.True(shutdown <= shutdownTimeout + TimeSpan.FromSeconds(1), $"LogManager.Shutdown() took {shutdown}");
        Assert.Contains($"; {Lines} dropped in total", run.Output, StringComparison.Ordinal);
    }
}
