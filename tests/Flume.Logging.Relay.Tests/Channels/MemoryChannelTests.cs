using System.Globalization;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

using static Flume.Logging.Relay.Tests.Channels.ChannelTestOps;

namespace Flume.Logging.Relay.Tests.Channels;

public sealed class MemoryChannelTests
{
    private static MemoryChannel Create(int capacity = 100, int transactionCapacity = 100, long? byteCapacity = null, TimeSpan? keepAlive = null) =>
        new("c1", new MemoryChannelOptions
        {
            Capacity = capacity,
            TransactionCapacity = transactionCapacity,
            ByteCapacity = byteCapacity,
            ByteCapacityBufferPercentage = 0,
            KeepAlive = keepAlive ?? TimeSpan.Zero,
        }, TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private static FlumeEvent Event(string body) => FlumeEvent.FromText(body);

    [Fact]
    public async Task Committed_puts_are_taken_in_order()
    {
        var channel = Create();
        await PutAsync(channel, "a", "b");
        await PutAsync(channel, "c");

        Assert.Equal(["a", "b", "c"], await TakeAllAsync(channel));
        Assert.Equal(0, channel.Size);
    }

    [Fact]
    public async Task Uncommitted_puts_are_invisible_and_rolled_back_puts_vanish()
    {
        var channel = Create();
        using (var tx = channel.BeginTransaction())
        {
            tx.Put(Event("a"));
            Assert.Empty(await TakeAllAsync(channel));
            tx.Rollback();
        }

        Assert.Empty(await TakeAllAsync(channel));
    }

    [Fact]
    public async Task Rolled_back_takes_return_to_the_head_in_order()
    {
        var channel = Create();
        await PutAsync(channel, "a", "b", "c", "d");
        using (var tx = channel.BeginTransaction())
        {
            Assert.Equal("a", Text(tx.Take()));
            Assert.Equal("b", Text(tx.Take()));
            tx.Rollback();
        }

        Assert.Equal(["a", "b", "c", "d"], await TakeAllAsync(channel));
    }

    [Fact]
    public async Task Disposing_an_open_transaction_rolls_it_back()
    {
        var channel = Create();
        await PutAsync(channel, "a");
        using (var tx = channel.BeginTransaction())
        {
            Assert.Equal("a", Text(tx.Take()));
        }

        Assert.Equal(["a"], await TakeAllAsync(channel));
    }

    [Fact]
    public void Put_beyond_transaction_capacity_throws_naming_the_channel()
    {
        var channel = Create(capacity: 10, transactionCapacity: 2);
        using var tx = channel.BeginTransaction();
        tx.Put(Event("a"));
        tx.Put(Event("b"));

        var error = Assert.Throws<ChannelException>(() => tx.Put(Event("c")));
        Assert.Contains("c1", error.Message, StringComparison.Ordinal);
        Assert.Contains("transactionCapacity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Take_beyond_transaction_capacity_throws()
    {
        var channel = Create(capacity: 10, transactionCapacity: 2);
        await PutAsync(channel, "a", "b");
        await PutAsync(channel, "c");
        using var tx = channel.BeginTransaction();
        tx.Take();
        tx.Take();

        Assert.Throws<ChannelException>(() => tx.Take());
    }

    [Fact]
    public async Task A_commit_that_does_not_fit_fails_whole_and_commits_nothing()
    {
        var channel = Create(capacity: 3, transactionCapacity: 3);
        await PutAsync(channel, "a", "b");
        using (var tx = channel.BeginTransaction())
        {
            tx.Put(Event("c"));
            tx.Put(Event("d"));
            await Assert.ThrowsAsync<ChannelFullException>(async () => await tx.CommitAsync(CancellationToken.None));
            tx.Rollback();
        }

        Assert.Equal(["a", "b"], await TakeAllAsync(channel));
    }

    [Fact]
    public async Task Taken_but_uncommitted_events_still_occupy_capacity()
    {
        var channel = Create(capacity: 2, transactionCapacity: 2);
        await PutAsync(channel, "a", "b");
        using var take = channel.BeginTransaction();
        take.Take();

        using var put = channel.BeginTransaction();
        put.Put(Event("c"));
        await Assert.ThrowsAsync<ChannelFullException>(async () => await put.CommitAsync(CancellationToken.None));
    }

    /// <summary>A channel of capacity 1 holding "a", and the commit of a put of "b", waiting (keep-alive 30 s) for room.</summary>
    private static async Task<(MemoryChannel Channel, IChannelTransaction Put, Task Commit)> FullWithWaitingCommitAsync()
    {
        var channel = Create(capacity: 1, transactionCapacity: 1, keepAlive: TimeSpan.FromSeconds(30));
        await PutAsync(channel, "a");
        var put = channel.BeginTransaction();
        put.Put(Event("b"));
        var commit = put.CommitAsync(CancellationToken.None).AsTask();
        Assert.False(commit.IsCompleted);
        return (channel, put, commit);
    }

    [Fact]
    public async Task A_waiting_commit_succeeds_when_a_take_commits_within_keep_alive()
    {
        var (channel, put, commit) = await FullWithWaitingCommitAsync();
        using var transaction = put;

        Assert.Equal(["a"], await TakeAllAsync(channel, max: 1));
        await commit.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["b"], await TakeAllAsync(channel, max: 1));
    }

    private static void Reconfigure(MemoryChannel channel, int capacity, int keepAliveSeconds) =>
        channel.Prepare(new ComponentContext("c1", "a1.channels.c1.", new Dictionary<string, string>
        {
            ["capacity"] = capacity.ToString(CultureInfo.InvariantCulture),
            ["transactionCapacity"] = capacity.ToString(CultureInfo.InvariantCulture),
            ["keep-alive"] = keepAliveSeconds.ToString(CultureInfo.InvariantCulture),
        })).Apply();

    [Fact]
    public async Task A_raised_capacity_lets_a_waiting_commit_in_and_the_events_held_stay()
    {
        var (channel, put, commit) = await FullWithWaitingCommitAsync();
        using var transaction = put;

        Reconfigure(channel, capacity: 2, keepAliveSeconds: 30);

        await commit.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, channel.Capacity);
        Assert.Equal(2, channel.Counter.ChannelCapacity);
        Assert.Equal(["a", "b"], await TakeAllAsync(channel, max: 2));
    }

    [Fact]
    public async Task A_lowered_capacity_keeps_the_events_held_and_refuses_puts_until_the_sinks_take_it_below()
    {
        var channel = Create(capacity: 3, transactionCapacity: 3);
        await PutAsync(channel, "a");
        await PutAsync(channel, "b");
        await PutAsync(channel, "c");

        Reconfigure(channel, capacity: 2, keepAliveSeconds: 0);

        Assert.Equal(3, channel.Size);
        await Assert.ThrowsAsync<ChannelFullException>(() => PutAsync(channel, "d"));
        Assert.Equal(["a", "b"], await TakeAllAsync(channel, max: 2));
        await PutAsync(channel, "d");
        Assert.Equal(["c", "d"], await TakeAllAsync(channel, max: 2));
    }

    [Fact]
    public async Task Byte_capacity_refuses_bodies_beyond_it()
    {
        // 1000 bytes = ten 100-byte slots; each 150-byte body needs two.
        var channel = Create(capacity: 100, byteCapacity: 1000);
        var body = new string('x', 150);
        await PutAsync(channel, body, body, body, body, body);

        using var tx = channel.BeginTransaction();
        tx.Put(Event(body));
        var error = await Assert.ThrowsAsync<ChannelException>(async () => await tx.CommitAsync(CancellationToken.None));
        Assert.Contains("byte capacity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_larger_than_the_whole_byte_capacity_are_refused_at_once_saying_they_never_fit()
    {
        // A keep-alive longer than the test's bound: only the check before waiting can answer in time.
        var channel = Create(capacity: 100, byteCapacity: 1000, keepAlive: TimeSpan.FromMinutes(5));

        using var tx = channel.BeginTransaction();
        tx.Put(Event(new string('x', 2000)));
        var error = await Assert.ThrowsAsync<ChannelException>(async () => await tx.CommitAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.IsNotType<ChannelFullException>(error);
        Assert.Contains("can never be stored; raise byteCapacity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Taking_frees_byte_capacity()
    {
        var channel = Create(capacity: 100, byteCapacity: 200);
        var body = new string('x', 200);
        await PutAsync(channel, body);
        await TakeAllAsync(channel);

        await PutAsync(channel, body);
        Assert.Equal(1, channel.Size);
    }

    [Fact]
    public async Task WaitForEvents_completes_when_a_put_commits()
    {
        var channel = Create();
        var wait = channel.WaitForEventsAsync(TimeSpan.FromSeconds(30), CancellationToken.None).AsTask();
        Assert.False(wait.IsCompleted);

        await PutAsync(channel, "a");
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_thread_blocked_in_WaitForEvents_is_woken_by_a_put_commit()
    {
        var channel = Create();
        var waiter = await BlockedAsync(() => channel.WaitForEvents(TimeSpan.FromSeconds(30), CancellationToken.None));

        await PutAsync(channel, "a");
        await waiter.Done.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Two_threads_blocked_in_WaitForEvents_are_both_woken_by_one_put()
    {
        var channel = Create();
        var first = await BlockedAsync(() => channel.WaitForEvents(TimeSpan.FromSeconds(30), CancellationToken.None));
        var second = await BlockedAsync(() => channel.WaitForEvents(TimeSpan.FromSeconds(30), CancellationToken.None));

        await PutAsync(channel, "a");
        await Task.WhenAll(first.Done, second.Done).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_thread_blocked_in_Linger_is_woken_once_the_channel_holds_a_transactions_worth()
    {
        var channel = Create(transactionCapacity: 3);
        var waiter = await BlockedAsync(() => channel.Linger(TimeSpan.FromSeconds(30), TimeProvider.System, CancellationToken.None));

        await PutAsync(channel, "a", "b");
        Assert.True(waiter.Thread.ThreadState.HasFlag(ThreadState.WaitSleepJoin), "two events of three do not end the linger");

        await PutAsync(channel, "c");
        await waiter.Done.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_blocked_wait_ends_with_OperationCanceledException_when_cancelled()
    {
        var channel = Create();
        using var cancellation = new CancellationTokenSource();
        var waiter = await BlockedAsync(() => channel.WaitForEvents(TimeSpan.FromSeconds(30), cancellation.Token));

        await cancellation.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(() => waiter.Done.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>Runs <paramref name="wait"/> on a thread of its own and returns once that thread is blocked in it.</summary>
    private static async Task<(Thread Thread, Task Done)> BlockedAsync(Action wait)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                wait();
                done.SetResult();
            }
#pragma warning disable CA1031 // The test looks at what the wait threw.
            catch (Exception e)
#pragma warning restore CA1031
            {
                done.SetException(e);
            }
        })
        { IsBackground = true };
        thread.Start();
        await Eventually.TrueAsync(() => thread.ThreadState.HasFlag(ThreadState.WaitSleepJoin), "the thread blocks in the wait");
        return (thread, done.Task);
    }

    [Fact]
    public void Transaction_capacity_above_capacity_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => Create(capacity: 10, transactionCapacity: 20));
        Assert.Contains("transactionCapacity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_producers_and_consumers_lose_and_duplicate_nothing()
    {
        var channel = Create(capacity: 1000, transactionCapacity: 100, keepAlive: TimeSpan.FromSeconds(30));
        const int producers = 4;
        const int perProducer = 5000;
        var produce = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < perProducer; i += 50)
            {
                await PutAsync(channel, Enumerable.Range(i, 50).Select(n => $"{p}:{n}").ToArray());
            }
        })).ToArray();

        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var consume = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            var round = 0;
            while (seen.Count < producers * perProducer && DateTime.UtcNow < deadline)
            {
                using var tx = channel.BeginTransaction();
                var taken = new List<string>();
                while (taken.Count < 100 && tx.Take() is { } e)
                {
                    taken.Add(Text(e));
                }

                if (++round % 7 == 0 && taken.Count > 0)
                {
                    tx.Rollback();
                    continue;
                }

                await tx.CommitAsync(CancellationToken.None);
                foreach (var body in taken)
                {
                    seen.AddOrUpdate(body, 1, (_, n) => n + 1);
                }

                if (taken.Count == 0)
                {
                    await channel.WaitForEventsAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None);
                }
            }
        })).ToArray();

        await Task.WhenAll(produce).WaitAsync(TimeSpan.FromSeconds(60));
        await Task.WhenAll(consume).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(producers * perProducer, seen.Count);
        Assert.All(seen.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, channel.Size);
    }

    [Fact]
    public async Task A_batch_take_takes_in_order_and_counts_attempts_as_the_takes_it_stands_for()
    {
        var channel = Create();
        await PutAsync(channel, "a", "b", "c", "d", "e");
        var taken = new List<FlumeEvent>();

        using (var tx = channel.BeginTransaction())
        {
            Assert.Equal(3, tx.TakeBatch(taken, 3));
            Assert.Equal(2, tx.TakeBatch(taken, 10));
            await tx.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(["a", "b", "c", "d", "e"], taken.Select(Text));
        Assert.Equal(0, channel.Size);

        // Three takes that each found an event, then two that did and one that found the channel empty.
        Assert.Equal(6, channel.Counter.EventTakeAttemptCount);
        Assert.Equal(5, channel.Counter.EventTakeSuccessCount);
    }

    [Fact]
    public async Task A_rolled_back_batch_take_puts_the_events_back_at_the_head_in_order()
    {
        var channel = Create();
        await PutAsync(channel, "a", "b", "c");
        using (var tx = channel.BeginTransaction())
        {
            Assert.Equal(2, tx.TakeBatch(new List<FlumeEvent>(), 2));
            tx.Rollback();
        }

        Assert.Equal(["a", "b", "c"], await TakeAllAsync(channel));
    }

    [Fact]
    public async Task A_batch_take_beyond_the_transaction_capacity_fails_as_one_take_too_many_does()
    {
        var channel = Create(transactionCapacity: 2);
        await PutAsync(channel, "a", "b");
        await PutAsync(channel, "c");
        var taken = new List<FlumeEvent>();
        using var tx = channel.BeginTransaction();

        var error = Assert.Throws<ChannelException>(() => tx.TakeBatch(taken, 3));

        Assert.Contains("take list of transaction capacity 2 is full", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], taken.Select(Text));
        tx.Rollback();
        Assert.Equal(["a", "b"], await TakeAllAsync(channel, max: 2));
        Assert.Equal(["c"], await TakeAllAsync(channel, max: 2));
    }

    [Fact]
    public async Task A_batch_take_of_exactly_the_transaction_capacity_succeeds()
    {
        var channel = Create(transactionCapacity: 2);
        await PutAsync(channel, "a", "b");
        await PutAsync(channel, "c");
        var taken = new List<FlumeEvent>();
        using var tx = channel.BeginTransaction();

        Assert.Equal(2, tx.TakeBatch(taken, 2));
        await tx.CommitAsync(CancellationToken.None);
        Assert.Equal(1, channel.Size);
    }
}
