using System.Collections.Concurrent;
using System.Diagnostics;
using Flume.Logging.Protocol;
using Flume.Logging.Testing;

namespace Flume.Logging.Appenders.Tests;

/// <summary>The real client against a closed port on 127.0.0.1, with the test's clock: the retry schedule is the relays' backoff alone.</summary>
public sealed class RetryScheduleTests
{
    [Fact]
    public async Task Retries_of_a_dead_relay_come_after_1_2_4_s_and_then_every_MaxBackoff_not_twice_it()
    {
        var time = new CountingTimeProvider();
        using var closed = new ClosedPort();
        var delivery = new FlumeDelivery(
            new FlumeAppenderOptions { Hosts = closed.HostAndPort, BatchSize = 1, MaxBackoff = TimeSpan.FromSeconds(4), ShutdownTimeout = TimeSpan.FromSeconds(1) },
            new DeliveryContext { TimeProvider = time });
        try
        {
            delivery.TryEnqueue(FlumeEvent.FromText("x"));
            await Eventually.TrueAsync(() => delivery.BatchesFailed == 1, "the first attempt failed");

            var attempts = 1;
            foreach (var gap in new[] { 1, 2, 4, 4, 4 })
            {
                // A moment before the gap ends nothing is tried (the backoff timer did not fire, so the loop waiting on
                // it cannot have moved); at its end the next attempt goes out.
                await Eventually.TrueAsync(() => time.ActiveTimerCount > 0, $"the backoff after attempt {attempts}");
                var fired = time.TimersFired;
                time.Advance(TimeSpan.FromSeconds(gap) - TimeSpan.FromMilliseconds(1));
                Assert.Equal(fired, time.TimersFired);
                Assert.Equal(attempts, delivery.BatchesFailed);
                time.Advance(TimeSpan.FromMilliseconds(1));
                attempts++;
                await Eventually.TrueAsync(() => delivery.BatchesFailed == attempts, $"attempt {attempts} after a {gap} s gap");
            }

            Assert.True(delivery.RelaysDown);
        }
        finally
        {
            var disposing = delivery.DisposeAsync().AsTask();
            var watch = Stopwatch.StartNew();
            while (!disposing.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(10))
            {
                time.Advance(TimeSpan.FromMilliseconds(500));
                await Task.Delay(10);
            }

            await disposing;
        }
    }

    [Fact]
    public async Task Disposing_while_the_relay_is_down_ends_within_the_shutdown_timeout_and_counts_every_event_dropped()
    {
        var log = new ConcurrentQueue<string>();
        using var closed = new ClosedPort();
        var delivery = new FlumeDelivery(new FlumeAppenderOptions { Hosts = closed.HostAndPort, ShutdownTimeout = TimeSpan.FromSeconds(3) }, new DeliveryContext { SelfLog = log.Enqueue });
        for (var i = 0; i < 5000; i++)
        {
            Assert.True(delivery.TryEnqueue(FlumeEvent.FromText("x")));
        }

        await Eventually.TrueAsync(() => delivery.RelaysDown, "the relay is known to be down");
        var watch = Stopwatch.StartNew();
        await delivery.DisposeAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"dispose took {watch.Elapsed}");
        Assert.EndsWith("5000 dropped in total", log.Last(), StringComparison.Ordinal);

        // It gave up before the timeout ended, and says so instead of claiming the timeout ran out.
        Assert.Contains(log, line => line.Contains("the next retry was due in", StringComparison.Ordinal) && line.Contains("left of the ShutdownTimeout 00:00:03", StringComparison.Ordinal));
        Assert.DoesNotContain(log, line => line.Contains("ShutdownTimeout 00:00:03 ended", StringComparison.Ordinal));
        Assert.Equal(5000, delivery.EventsDropped);
        Assert.Equal(0, delivery.EventsSent);
    }
}
