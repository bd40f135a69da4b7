using System.Collections.Concurrent;
using Flume.Logging.Testing;
using Serilog.Core;
using Serilog.Events;

namespace Serilog.Sinks.Flume.Tests;

/// <summary>
/// Serilog 4's failure listener: inside <c>WriteTo.FallbackChain</c> or <c>WriteTo.Fallible</c>, the events the sink
/// drops (a closed port here: every connection is refused) are handed back, as the original LogEvents.
/// </summary>
public sealed class FailureListenerTests
{
    private const int Events = 1_000;

    [Fact]
    public async Task In_a_fallback_chain_every_event_Flume_cannot_deliver_reaches_the_fallback_sink()
    {
        var fallback = new CollectingSink();
        using var closed = new ClosedPort();
        var logger = new LoggerConfiguration()
            .WriteTo.FallbackChain(
                wt => wt.Flume(hosts: closed.HostAndPort, shutdownTimeout: TimeSpan.FromSeconds(2)),
                wt => wt.Sink(fallback))
            .CreateLogger();

        for (var i = 0; i < Events; i++)
        {
            logger.Information("order {Order}", i);
        }

        await logger.DisposeAsync();

        // The original events, properties and all, each exactly once.
        Assert.Equal(Enumerable.Range(0, Events), fallback.Events.Select(e => (int)((ScalarValue)e.Properties["Order"]).Value!).Order());
    }

    [Fact]
    public void Fallible_hands_overflow_drops_over_at_once_as_Permanent_and_the_rest_at_close_as_Final()
    {
        var failures = new ListeningFailures();
        using var closed = new ClosedPort();
        var logger = new LoggerConfiguration()
            .WriteTo.Fallible(wt => wt.Flume(hosts: closed.HostAndPort, queueLimit: 10, shutdownTimeout: TimeSpan.FromSeconds(2)), failures)
            .CreateLogger();

        for (var i = 0; i < Events; i++)
        {
            logger.Information("order {Order}", i);
        }

        // A full queue refuses on the logging thread, so those drops are reported before the log call returns.
        var refused = failures.Events(LoggingFailureKind.Permanent).Count;
        logger.Dispose();

        Assert.True(refused > Events / 2, $"only {refused} of {Events} drops were reported before the close");
        Assert.NotEmpty(failures.Events(LoggingFailureKind.Final));
        Assert.Equal(Events, failures.Events(LoggingFailureKind.Permanent).Count + failures.Events(LoggingFailureKind.Final).Count);
        Assert.Empty(failures.Events(LoggingFailureKind.Temporary));
    }

    /// <summary>The failures a listener was told about, by kind.</summary>
    private sealed class ListeningFailures : ILoggingFailureListener
    {
        private readonly ConcurrentQueue<(LoggingFailureKind Kind, LogEvent Event)> _failures = new();

        public void OnLoggingFailed(object sender, LoggingFailureKind kind, string message, IReadOnlyCollection<LogEvent>? events, Exception? exception)
        {
            foreach (var logEvent in events ?? [])
            {
                _failures.Enqueue((kind, logEvent));
            }
        }

        public List<LogEvent> Events(LoggingFailureKind kind) => _failures.Where(f => f.Kind == kind).Select(f => f.Event).ToList();
    }
}
