using Flume.Logging.Appenders.Delivery;
using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders.Tests;

public sealed class RecordRingTests
{
    private static QueuedRecord Entry(int number) => QueuedRecord.Of(new FlumeEvent(BitConverter.GetBytes(number)));

    private static int Number(in QueuedRecord entry) => BitConverter.ToInt32(entry.Build().Body.Span);

    [Fact]
    public void A_ring_holds_its_power_of_two_capacity_in_order_across_many_wraps()
    {
        var ring = new RecordRing(3);
        Assert.Equal(4, ring.Capacity);
        var next = 0;
        var expected = 0;
        for (var round = 0; round < 100; round++)
        {
            while (ring.TryAdd(Entry(next)))
            {
                next++;
            }

            Assert.Equal(expected + 4, next);
            for (var i = 0; i < 3; i++)
            {
                Assert.True(ring.TryTake(out var entry));
                Assert.Equal(expected++, Number(entry));
            }
        }

        Assert.False(ring.IsEmpty);
        Assert.True(ring.TryTake(out var last));
        Assert.Equal(expected, Number(last));
        Assert.True(ring.IsEmpty);
        Assert.False(ring.TryTake(out _));
    }

    [Fact]
    public async Task Concurrent_writers_and_takers_move_every_entry_exactly_once()
    {
        const int Writers = 4;
        const int PerWriter = 50_000;
        var ring = new RecordRing(64);
        var seen = new int[Writers * PerWriter];
        var taken = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        void Take()
        {
            while (Volatile.Read(ref taken) < seen.Length && !timeout.IsCancellationRequested)
            {
                if (ring.TryTake(out var entry))
                {
                    Interlocked.Increment(ref seen[Number(entry)]);
                    Interlocked.Increment(ref taken);
                }
            }
        }

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter && !timeout.IsCancellationRequested; i++)
            {
                while (!ring.TryAdd(Entry((w * PerWriter) + i)) && !timeout.IsCancellationRequested)
                {
                    Thread.Yield();
                }
            }
        }));
        await Task.WhenAll([.. writers, Task.Run(Take), Task.Run(Take)]);

        Assert.False(timeout.IsCancellationRequested, "the entries did not all come through in 60 s");
        Assert.All(seen, count => Assert.Equal(1, count));
    }
}
