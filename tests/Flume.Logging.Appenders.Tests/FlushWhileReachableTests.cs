using System.Diagnostics;
using Flume.Logging.Protocol;
using Flume.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Appenders.Tests;

public sealed class FlushWhileReachableTests
{
    private static FlumeAppenderOptions Options => new() { Hosts = "127.0.0.1:9", BatchSize = 1, ShutdownTimeout = TimeSpan.FromMilliseconds(300) };

    [Fact]
    public async Task A_shutdown_flush_ends_at_once_when_every_relay_is_down_and_keeps_the_events_queued()
    {
        var client = new FakeRpcClient { FailAlways = true };
        await using var delivery = new FlumeDelivery(Options, new DeliveryContext { ClientFactory = _ => client });
        delivery.TryEnqueue(FlumeEvent.FromText("x"));
        await Eventually.TrueAsync(() => delivery.RelaysDown, "the relay is known to be down");

        var watch = Stopwatch.StartNew();
        Assert.Equal(FlushOutcome.RelaysDown, await delivery.FlushWhileReachableAsync(TimeSpan.FromMinutes(1)));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the flush took {watch.Elapsed}");
        Assert.Equal(0, delivery.EventsDropped);
    }

    [Fact]
    public async Task A_shutdown_flush_with_a_reachable_relay_ends_when_everything_is_sent()
    {
        var client = new FakeRpcClient();
        await using var delivery = new FlumeDelivery(Options, new DeliveryContext { ClientFactory = _ => client });
        for (var i = 0; i < 10; i++)
        {
            delivery.TryEnqueue(FlumeEvent.FromText("x"));
        }

        Assert.Equal(FlushOutcome.Done, await delivery.FlushWhileReachableAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(10, client.AcceptedEvents.Count);
    }

    [Fact]
    public async Task A_close_right_after_a_shutdown_flush_timed_out_on_a_slow_relay_does_not_wait_the_shutdown_timeout_again()
    {
        var time = new FakeTimeProvider();
        var client = new FakeRpcClient { ResponseDelay = TimeSpan.FromMinutes(10), TimeProvider = time };
        var delivery = new FlumeDelivery(Options, new DeliveryContext { ClientFactory = _ => client, TimeProvider = time });
        for (var i = 0; i < 3; i++)
        {
            delivery.TryEnqueue(FlumeEvent.FromText("x"));
        }

        var flushing = delivery.FlushWhileReachableAsync(Options.ShutdownTimeout);
        for (var step = 0; step < 1_000 && !flushing.IsCompleted; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1);
        }

        Assert.Equal(FlushOutcome.TimedOut, await flushing);

        // The clock no longer moves: a close that waited a shutdown timeout of its own would never end.
        await delivery.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, delivery.EventsDropped);
        Assert.Empty(client.AcceptedEvents);
    }
}
