using System.Diagnostics;
using Flume.Logging.Appenders.Delivery;
using Flume.Logging.Protocol;
using Flume.Logging.Testing;

namespace Flume.Logging.Appenders.Tests;

/// <summary>What a log call does with a full queue, on the queue alone, with the loop played by the test.</summary>
public sealed class AdmissionTests
{
    private readonly RecordQueue _queue = new(2, 1_000_000);
    private readonly DeliveryCounters _counters = new();
    private volatile bool _relaysDown;
    private int _downChecks;

    /// <summary>
    /// The relays' state as admission asks for it: only a call that finds the queue full asks, once before it waits and
    /// again inside the wait before it sleeps, so two asks mean a call is waiting (no sleep to let it get there).
    /// </summary>
    private bool RelaysDown()
    {
        Interlocked.Increment(ref _downChecks);
        return _relaysDown;
    }

    private Task WaitingAsync() => Eventually.TrueAsync(() => Volatile.Read(ref _downChecks) >= 2, "the call waiting for room");

    private static QueuedRecord Entry(int size = 10) => QueuedRecord.Of(new FlumeEvent(new byte[size]));

    private Admission Start(OverflowMode overflow, int blockMilliseconds = 0)
    {
        var drops = new DropReporter(_counters, new SelfLog(null), null, TimeProvider.System);
        var admission = new Admission(_queue, overflow, TimeSpan.FromMilliseconds(blockMilliseconds), _counters, new DeliveryProgress(), drops, RelaysDown);
        Assert.True(admission.Admit(Entry()));
        Assert.True(admission.Admit(Entry()));
        return admission;
    }

    [Fact]
    public void Block_waits_at_most_the_block_timeout_for_a_slow_relay_then_drops()
    {
        var admission = Start(OverflowMode.Block, blockMilliseconds: 200);

        var watch = Stopwatch.StartNew();
        Assert.False(admission.Admit(Entry()));

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(190), TimeSpan.FromSeconds(2));
        Assert.Equal(1, _counters.Dropped);
    }

    [Fact]
    public void Block_does_not_wait_while_every_relay_is_down()
    {
        var admission = Start(OverflowMode.Block, blockMilliseconds: 30_000);
        _relaysDown = true;

        var watch = Stopwatch.StartNew();
        Assert.False(admission.Admit(Entry()));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"the call waited {watch.Elapsed}");
        Assert.Equal(1, _counters.Dropped);
    }

    [Fact]
    public async Task A_blocked_call_stops_waiting_when_the_relays_go_down()
    {
        var admission = Start(OverflowMode.Block, blockMilliseconds: 30_000);
        var blocked = Task.Run(() => admission.Admit(Entry()));
        await WaitingAsync();
        Assert.False(blocked.IsCompleted);

        _relaysDown = true;
        _queue.WakeWriters();

        Assert.False(await blocked.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, _counters.Dropped);
    }

    [Fact]
    public async Task Block_lets_the_call_in_once_the_loop_makes_room()
    {
        var admission = Start(OverflowMode.Block, blockMilliseconds: 30_000);
        var blocked = Task.Run(() => admission.Admit(Entry()));
        await WaitingAsync();
        Assert.False(blocked.IsCompleted);

        Assert.True(_queue.TryTake(out var taken));
        _queue.Release(taken.Size);

        Assert.True(await blocked.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, _counters.Dropped);
        Assert.Equal(3, _counters.Enqueued);
    }

    [Fact]
    public void DropOldest_refuses_the_new_event_instead_of_spinning_while_taken_entries_still_hold_the_bytes()
    {
        var entry = Entry(500);
        var queue = new RecordQueue(10, entry.Size + 10);
        var drops = new DropReporter(_counters, new SelfLog(null), null, TimeProvider.System);
        var admission = new Admission(queue, OverflowMode.DropOldest, TimeSpan.Zero, _counters, new DeliveryProgress(), drops, () => false);
        Assert.True(admission.Admit(entry));

        // The loop has taken the entry but not yet released its bytes: there is nothing older to drop in its place.
        Assert.True(queue.TryTake(out _));
        var watch = Stopwatch.StartNew();
        Assert.False(admission.Admit(Entry(500)));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1));
        Assert.Equal(1, _counters.Dropped);
        Assert.Equal(0, queue.Count);
    }
}
