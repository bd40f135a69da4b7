using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sources;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Sources;

/// <summary>
/// Events an avro source puts into memory channels borrow their bodies from the request's pooled buffer, which the
/// channel keeps until their take commits.
/// </summary>
public sealed class BorrowedBodyTests
{
    private static MemoryChannel Channel(string name = "c1") =>
        new(name, new MemoryChannelOptions { Capacity = 100, TransactionCapacity = 100, KeepAlive = TimeSpan.Zero },
            TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private static Task<RpcSource> StartAsync(ChannelProcessor processor, bool thrift = false) => RpcSourceHarness.StartAsync(processor, thrift);

    private static ChannelProcessor Processor(IReadOnlyList<IChannel> channels, params IInterceptor[] interceptors) =>
        new(new ReplicatingChannelSelector(channels, []), interceptors, NullLogger<ChannelProcessor>.Instance);

    private static async Task SendAsync(RpcSource source, int count, bool thrift = false)
    {
        await using var client = RpcSourceHarness.Client(source, thrift);
        await client.AppendBatchAsync(Enumerable.Range(0, count).Select(i => FlumeEvent.FromText($"e{i}")).ToList());
    }

    private static List<FlumeEvent> Take(IChannelTransaction transaction, int count)
    {
        var taken = new List<FlumeEvent>();
        while (taken.Count < count && transaction.Take() is { } flumeEvent)
        {
            taken.Add(flumeEvent);
        }

        return taken;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_batch_in_a_memory_channel_holds_its_request_buffer_until_the_take_commits(bool thrift)
    {
        var channel = Channel();
        await using var source = await StartAsync(Processor([channel]), thrift);
        await SendAsync(source, 10, thrift);

        using var transaction = channel.BeginTransaction();
        var taken = Take(transaction, 10);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"e{i}"), taken.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
        var buffer = taken[0].Buffer;
        Assert.NotNull(buffer);
        Assert.All(taken, e => Assert.Same(buffer, e.Buffer));

        // The request let go of the buffer when it was answered; one reference per event in the channel is left.
        Assert.Equal(10, buffer.References);
        await transaction.CommitAsync(CancellationToken.None);
        Assert.Equal(0, buffer.References);
    }

    [Fact]
    public async Task A_rolled_back_take_keeps_the_buffer_and_the_bodies_for_the_next_taker()
    {
        var channel = Channel();
        await using var source = await StartAsync(Processor([channel]));
        await SendAsync(source, 5);

        EventBuffer buffer;
        using (var first = channel.BeginTransaction())
        {
            var taken = Take(first, 5);
            buffer = taken[0].Buffer!;
            first.Rollback();
        }

        Assert.Equal(5, buffer.References);
        using var second = channel.BeginTransaction();
        var again = Take(second, 5);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"e{i}"), again.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
        await second.CommitAsync(CancellationToken.None);
        Assert.Equal(0, buffer.References);
    }

    [Fact]
    public async Task Two_memory_channels_each_hold_the_buffer_until_each_has_committed_its_take()
    {
        var c1 = Channel("c1");
        var c2 = Channel("c2");
        await using var source = await StartAsync(Processor([c1, c2]));
        await SendAsync(source, 3);

        EventBuffer buffer;
        using (var transaction = c1.BeginTransaction())
        {
            buffer = Take(transaction, 3)[0].Buffer!;
            await transaction.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(3, buffer.References);
        using (var transaction = c2.BeginTransaction())
        {
            Assert.Equal("e0", Encoding.UTF8.GetString(Take(transaction, 3)[0].Body.Span));
            await transaction.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(0, buffer.References);
    }

    [Fact]
    public async Task With_an_interceptor_events_get_bodies_of_their_own()
    {
        var channel = Channel();
        await using var source = await StartAsync(Processor([channel], new PassThrough()));
        await SendAsync(source, 2);

        using var transaction = channel.BeginTransaction();
        Assert.All(Take(transaction, 2), e => Assert.Null(e.Buffer));
    }

    [Fact]
    public void Only_memory_channels_without_interceptors_keep_borrowed_bodies()
    {
        Assert.True(Processor([Channel()]).KeepsBorrowedBodies);
        Assert.False(Processor([Channel()], new PassThrough()).KeepsBorrowedBodies);
        Assert.False(Processor([Channel(), new OtherChannel()]).KeepsBorrowedBodies);
    }

    private sealed class PassThrough : IInterceptor
    {
        public FlumeEvent? Intercept(FlumeEvent flumeEvent) => flumeEvent;
    }

    /// <summary>A channel that is not a memory channel; never used beyond its type.</summary>
    private sealed class OtherChannel : IChannel
    {
        public string Name => "other";

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public IChannelTransaction BeginTransaction() => throw new InvalidOperationException("not used");

        public ValueTask WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
