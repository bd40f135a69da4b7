using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Relay.Selectors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Channels;

public sealed class ChannelProcessorTests
{
    private static MemoryChannel Channel(string name, int capacity = 100) =>
        new(name, new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = capacity, KeepAlive = TimeSpan.Zero },
            TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private static ChannelProcessor Processor(IReadOnlyList<IChannel> channels, string[] optional, params IInterceptor[] interceptors) =>
        new(new ReplicatingChannelSelector(channels, optional), interceptors, NullLogger<ChannelProcessor>.Instance);

    private static FlumeEvent[] Events(params string[] bodies) => bodies.Select(b => FlumeEvent.FromText(b)).ToArray();

    private static async Task<string[]> DrainAsync(IChannel channel)
    {
        var bodies = new List<string>();
        using var tx = channel.BeginTransaction();
        while (tx.Take() is { } e)
        {
            bodies.Add(Encoding.UTF8.GetString(e.Body.Span));
        }

        await tx.CommitAsync(CancellationToken.None);
        return [.. bodies];
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
