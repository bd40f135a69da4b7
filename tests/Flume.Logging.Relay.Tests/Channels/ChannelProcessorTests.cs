using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Channels;

public sealed class ChannelProcessorTests
{
    private static MemoryChannel Channel(string name, int capacity = 100, int? transactionCapacity = null) =>
        new(name, new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = transactionCapacity ?? capacity, KeepAlive = TimeSpan.Zero },
            TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private static ChannelProcessor Processor(IReadOnlyList<IChannel> channels, string[] optional, params IInterceptor[] interceptors) =>
        new(new ReplicatingChannelSelector(channels, optional), interceptors, NullLogger<ChannelProcessor>.Instance);

    private static FlumeEvent[] Events(params string[] bodies) => bodies.Select(b => FlumeEvent.FromText(b)).ToArray();

    private static async Task<string[]> DrainAsync(IChannel channel)
    {
        // One event per transaction, so no transactionCapacity limits the drain.
        var bodies = new List<string>();
        while (true)
        {
            using var tx = channel.BeginTransaction();
            if (tx.Take() is not { } e)
            {
                return [.. bodies];
            }

            bodies.Add(Encoding.UTF8.GetString(e.Body.Span));
            await tx.CommitAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task With_raw_data_logging_each_received_event_is_logged_at_debug_level_with_headers_and_body()
    {
        var logs = new CapturingLoggerFactory();
        var c1 = Channel("c1");
        var processor = new ChannelProcessor(new ReplicatingChannelSelector([c1], []), [], logs.CreateLogger<ChannelProcessor>()) { RawDataSource = "r1" };

        await processor.ProcessClientBatchAsync([FlumeEvent.FromText("hi", new Dictionary<string, string> { ["host"] = "web1" })], CancellationToken.None);
        await processor.ProcessBatchOrEachAsync(Events("yo"), 0, static (_, _, _) => ValueTask.CompletedTask, CancellationToken.None);

        // A source putting again, one by one, events of a batch that was refused has already had them logged.
        await processor.RetryEventAsync(FlumeEvent.FromText("yo"), CancellationToken.None);

        var lines = logs.Entries.Where(e => e.Level == LogLevel.Debug).Select(e => e.Message).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("source r1 received event: { headers:{host=web1} body: 68 69 ", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(" hi }", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("source r1 received event: { headers:{} body: 79 6F ", lines[1], StringComparison.Ordinal);
        Assert.Equal(["hi", "yo", "yo"], await DrainAsync(c1));
    }

    [Fact]
    public async Task Without_raw_data_logging_no_event_is_logged()
    {
        var logs = new CapturingLoggerFactory();
        var processor = new ChannelProcessor(new ReplicatingChannelSelector([Channel("c1")], []), [], logs.CreateLogger<ChannelProcessor>());

        await processor.ProcessBatchAsync(Events("secret"), CancellationToken.None);

        Assert.Empty(logs.Entries);
    }

    [Fact]
    public async Task Replicates_every_event_to_every_channel()
    {
        var c1 = Channel("c1");
        var c2 = Channel("c2");
        await Processor([c1, c2], []).ProcessBatchAsync(Events("a", "b"), CancellationToken.None);

        Assert.Equal(["a", "b"], await DrainAsync(c1));
        Assert.Equal(["a", "b"], await DrainAsync(c2));
    }

    [Fact]
    public async Task A_full_required_channel_fails_the_batch()
    {
        var full = Channel("c1", capacity: 1);
        await Assert.ThrowsAsync<ChannelException>(async () =>
            await Processor([full], []).ProcessBatchAsync(Events("a", "b"), CancellationToken.None));

        Assert.Empty(await DrainAsync(full));
    }

    [Fact]
    public async Task A_batch_larger_than_transactionCapacity_is_refused_whole()
    {
        var c1 = Channel("c1", capacity: 10, transactionCapacity: 3);

        await Assert.ThrowsAsync<ChannelException>(async () =>
            await Processor([c1], []).ProcessBatchAsync(Events("1", "2", "3", "4"), CancellationToken.None));

        Assert.Empty(await DrainAsync(c1));
    }

    [Fact]
    public async Task A_client_batch_larger_than_transactionCapacity_is_stored_in_transactions_of_that_size_in_order()
    {
        var c1 = Channel("c1", capacity: 10, transactionCapacity: 3);
        var c2 = Channel("c2", capacity: 10, transactionCapacity: 5);

        await Processor([c1, c2], []).ProcessClientBatchAsync(Events("1", "2", "3", "4", "5", "6", "7"), CancellationToken.None);

        Assert.Equal(["1", "2", "3", "4", "5", "6", "7"], await DrainAsync(c1));
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7"], await DrainAsync(c2));
    }

    [Fact]
    public async Task A_part_of_a_client_batch_that_does_not_fit_fails_the_batch_and_keeps_the_parts_before_it()
    {
        // The client is answered FAILED and sends the whole batch again: the first part arrives twice, at least once.
        var c1 = Channel("c1", capacity: 4, transactionCapacity: 3);

        await Assert.ThrowsAsync<ChannelFullException>(async () =>
            await Processor([c1], []).ProcessClientBatchAsync(Events("1", "2", "3", "4", "5", "6", "7"), CancellationToken.None));

        Assert.Equal(["1", "2", "3"], await DrainAsync(c1));
    }

    [Fact]
    public async Task A_full_optional_channel_does_not_fail_the_batch()
    {
        var required = Channel("c1");
        var optional = Channel("c2", capacity: 1);
        await Processor([required, optional], ["c2"]).ProcessBatchAsync(Events("a", "b"), CancellationToken.None);

        Assert.Equal(["a", "b"], await DrainAsync(required));
        Assert.Empty(await DrainAsync(optional));
    }

    [Fact]
    public async Task Interceptors_run_in_order_and_may_drop_events()
    {
        var c1 = Channel("c1");
        var processor = Processor([c1], [], new Rewrite("x", "y"), new Drop("b"), new Rewrite("y", "z"));
        await processor.ProcessBatchAsync(Events("x", "b", "c"), CancellationToken.None);

        Assert.Equal(["z", "c"], await DrainAsync(c1));
    }

    private sealed class Rewrite(string from, string to) : IInterceptor
    {
        public FlumeEvent? Intercept(FlumeEvent flumeEvent) =>
            Encoding.UTF8.GetString(flumeEvent.Body.Span) == from ? FlumeEvent.FromText(to) : flumeEvent;
    }

    private sealed class Drop(string body) : IInterceptor
    {
        public FlumeEvent? Intercept(FlumeEvent flumeEvent) =>
            Encoding.UTF8.GetString(flumeEvent.Body.Span) == body ? null : flumeEvent;
    }
}
