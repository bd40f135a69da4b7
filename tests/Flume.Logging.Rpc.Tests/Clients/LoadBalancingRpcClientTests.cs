using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Clients;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Rpc.Tests.Clients;

public sealed class LoadBalancingRpcClientTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLoggerFactory _logs = new();

    private LoadBalancingRpcClient Create(FakeHosts hosts, Action<RpcClientOptions>? configure = null, Random? random = null) =>
        new(hosts.Options(RpcClientType.DefaultLoadBalance, configure), hosts.Factory, _logs, _time, random ?? new Random(1));

    [Fact]
    public async Task Round_robin_rotates_the_starting_host_each_call()
    {
        var hosts = new FakeHosts("h1", "h2", "h3");
        await using var client = Create(hosts);

        for (var i = 0; i < 7; i++)
        {
            await client.AppendAsync(FlumeEvent.FromText("x"));
        }

        Assert.Equal(["h1", "h2", "h3", "h1", "h2", "h3", "h1"], hosts.Attempts);
        Assert.Single(hosts.Created("h1"));
    }

    [Fact]
    public async Task Random_order_follows_the_seeded_random()
    {
        var hosts = new FakeHosts("h1", "h2", "h3", "h4");
        foreach (var host in hosts.Hosts)
        {
            hosts.SetDown(host.Name);
        }

        await using var client = Create(hosts, o => o.HostSelector = HostSelectorKind.Random, new Random(1234));
        var expectedRandom = new Random(1234);
        var expected = new List<string>();

        for (var call = 0; call < 6; call++)
        {
            await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("x")).AsTask());
            var order = new[] { "h1", "h2", "h3", "h4" };
            expectedRandom.Shuffle(order);
            expected.AddRange(order);
        }

        Assert.Equal(expected, hosts.Attempts);
        Assert.NotEqual(expected[..4], expected[4..8]);
    }

    [Fact]
    public async Task Failed_batch_is_retried_on_another_host_with_the_same_events()
    {
        var hosts = new FakeHosts("h1", "h2");
        hosts.SetDown("h1");
        await using var client = Create(hosts);
        var batch = Events.Make(3);

        await client.AppendBatchAsync(batch);

        Assert.Equal(["h1", "h2"], hosts.Attempts);
        var accepted = Assert.Single(hosts.AcceptedBatches("h2"));
        Assert.All(batch.Zip(accepted), pair => Assert.Same(pair.First, pair.Second));
    }

    [Fact]
    public async Task Without_backoff_a_dead_host_stays_in_rotation()
    {
        var hosts = new FakeHosts("h1", "h2");
        hosts.SetDown("h1");
        await using var client = Create(hosts);

        for (var i = 0; i < 4; i++)
        {
            await client.AppendAsync(FlumeEvent.FromText("x"));
        }

        Assert.Equal(["h1", "h2", "h2", "h1", "h2", "h2"], hosts.Attempts);
        Assert.Single(_logs.Entries, e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task All_failed_message_lists_each_host_and_its_cause()
    {
        var hosts = new FakeHosts("h1", "h2", "h3");
        foreach (var host in hosts.Hosts)
        {
            hosts.SetDown(host.Name);
        }

        await using var client = Create(hosts);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("x")).AsTask());

        Assert.Equal(
            "Could not deliver 1 event after 3 attempt(s): h1 (127.0.0.1:41400): h1 is down; h2 (127.0.0.1:41401): h2 is down; h3 (127.0.0.1:41402): h3 is down",
            error.Message);
    }

    [Fact]
    public async Task With_backoff_a_dead_host_is_not_called_while_the_others_serve()
    {
        var hosts = new FakeHosts("h1", "h2", "h3");
        hosts.SetDown("h1");
        await using var client = Create(hosts, o => o.Backoff = true);

        for (var i = 0; i < 10; i++)
        {
            await client.AppendAsync(FlumeEvent.FromText("x"));
        }

        Assert.Equal(1, hosts.Calls("h1"));
        Assert.Equal(10, hosts.AcceptedEvents("h2").Count + hosts.AcceptedEvents("h3").Count);
        Assert.InRange(hosts.AcceptedEvents("h2").Count, 4, 6);
    }

    [Fact]
    public async Task Backoff_doubles_per_failure_up_to_max_backoff_and_resets_on_success()
    {
        var hosts = new FakeHosts("h1");
        hosts.SetDown("h1");
        await using var client = Create(hosts, o =>
        {
            o.Backoff = true;
            o.MaxBackoff = TimeSpan.FromSeconds(5);
        });

        async Task ExpectCalledAfter(TimeSpan delay, int callsBefore)
        {
            _time.Advance(delay - TimeSpan.FromTicks(1));
            var skipped = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("x")).AsTask());
            Assert.Contains("every host is backed off", skipped.Message, StringComparison.Ordinal);
            Assert.Equal(callsBefore, hosts.Calls("h1"));
            _time.Advance(TimeSpan.FromTicks(1));
            await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("x")).AsTask());
            Assert.Equal(callsBefore + 1, hosts.Calls("h1"));
        }

        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("x")).AsTask());
        await ExpectCalledAfter(TimeSpan.FromSeconds(1), 1);
        await ExpectCalledAfter(TimeSpan.FromSeconds(2), 2);
        await ExpectCalledAfter(TimeSpan.FromSeconds(4), 3);
        await ExpectCalledAfter(TimeSpan.FromSeconds(5), 4);
        await ExpectCalledAfter(TimeSpan.FromSeconds(5), 5);

        hosts.SetDown("h1", false);
        _time.Advance(TimeSpan.FromSeconds(5));
        await client.AppendAsync(FlumeEvent.FromText("back"));
        Assert.True(_logs.Contains("h1 (127.0.0.1:41400) is used again", LogLevel.Information), _logs.Dump());

        hosts.SetDown("h1");
        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("x")).AsTask());
        await ExpectCalledAfter(TimeSpan.FromSeconds(1), 8);
    }

    [Fact]
    public async Task All_hosts_backed_off_fails_fast_without_calling_any_host()
    {
        var hosts = new FakeHosts("h1", "h2");
        hosts.SetDown("h1");
        hosts.SetDown("h2");
        await using var client = Create(hosts, o => o.Backoff = true);
        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("x")).AsTask());
        hosts.ClearAttempts();
        _time.Advance(TimeSpan.FromMilliseconds(250));

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendBatchAsync(Events.Make(3)).AsTask());

        Assert.Empty(hosts.Attempts);
        Assert.Equal(
            "Could not deliver 3 events: every host is backed off (h1 (127.0.0.1:41400): backed off for 0.75 s more; h2 (127.0.0.1:41401): backed off for 0.75 s more)",
            error.Message);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public async Task A_failed_call_says_when_the_first_host_may_be_tried_again()
    {
        var hosts = new FakeHosts("h1", "h2");
        hosts.SetDown("h1");
        hosts.SetDown("h2");
        await using var client = Create(hosts, o => o.Backoff = true);
        var first = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("x")).AsTask());
        Assert.Equal(TimeSpan.FromSeconds(1), first.RetryAfter);

        _time.Advance(TimeSpan.FromMilliseconds(250));
        var skipped = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("x")).AsTask());
        Assert.Equal(TimeSpan.FromMilliseconds(750), skipped.RetryAfter);

        _time.Advance(TimeSpan.FromMilliseconds(750));
        var second = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("x")).AsTask());
        Assert.Equal(TimeSpan.FromSeconds(2), second.RetryAfter);
    }

    [Fact]
    public async Task Batch_larger_than_batch_size_is_split_and_each_chunk_balanced_on_its_own()
    {
        var hosts = new FakeHosts("h1", "h2");
        await using var client = Create(hosts, o => o.BatchSize = 3);
        var events = Events.Make(7);

        await client.AppendBatchAsync(events);

        Assert.Equal([events[..3], events[6..]], hosts.AcceptedBatches("h1"));
        Assert.Equal([events[3..6]], hosts.AcceptedBatches("h2"));
    }

    [Fact]
    public async Task Failed_host_client_is_disposed_and_recreated_on_next_use()
    {
        var hosts = new FakeHosts("h1", "h2");
        hosts.Configure = c => c.FailNext(c.Name == "h1" && hosts.Created("h1").Count == 0 ? 1 : 0);
        await using var client = Create(hosts);

        await client.AppendAsync(FlumeEvent.FromText("a"));
        await client.AppendAsync(FlumeEvent.FromText("b"));
        await client.AppendAsync(FlumeEvent.FromText("c"));

        Assert.Equal(2, hosts.Created("h1").Count);
        Assert.Equal(1, hosts.Created("h1")[0].DisposeCount);
        Assert.Single(hosts.Latest("h1").Accepted);
        Assert.Single(hosts.Created("h2"));
    }

    [Fact]
    public async Task Inactive_host_client_is_replaced_before_use()
    {
        var hosts = new FakeHosts("h1");
        await using var client = Create(hosts);
        await client.AppendAsync(FlumeEvent.FromText("a"));
        var first = hosts.Latest("h1");

        first.MarkInactive();
        await client.AppendAsync(FlumeEvent.FromText("b"));

        Assert.Equal(1, first.Calls);
        Assert.Equal(1, first.DisposeCount);
        Assert.NotSame(first, hosts.Latest("h1"));
        Assert.Single(hosts.Latest("h1").Accepted);
    }

    [Fact]
    public async Task Concurrent_callers_are_balanced_exactly()
    {
        var hosts = new FakeHosts("h1", "h2", "h3");
        await using var client = Create(hosts);
        var events = Events.Make(8000);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await client.AppendAsync(events[(t * 1000) + i]);
            }
        }))).WaitAsync(Eventually.DefaultTimeout);

        Assert.Equal(2667, hosts.AcceptedEvents("h1").Count);
        Assert.Equal(2667, hosts.AcceptedEvents("h2").Count);
        Assert.Equal(2666, hosts.AcceptedEvents("h3").Count);
        var delivered = hosts.AcceptedEvents("h1").Concat(hosts.AcceptedEvents("h2")).Concat(hosts.AcceptedEvents("h3")).ToHashSet();
        Assert.True(delivered.SetEquals(events));
        Assert.All(hosts.Hosts, h => Assert.Single(hosts.Created(h.Name)));
    }

    [Fact]
    public async Task Concurrent_callers_with_a_failing_host_deliver_every_event_once_and_dispose_each_client_once()
    {
        var hosts = new FakeHosts("h1", "h2", "h3");
        var h2Calls = 0;
        hosts.Configure = c =>
        {
            if (c.Name == "h2")
            {
                c.OnCall = (_, _) => Interlocked.Increment(ref h2Calls) % 3 == 0 ? throw new EventDeliveryException("h2 flaky") : ValueTask.CompletedTask;
            }
        };
        await using var client = Create(hosts);
        var events = Events.Make(8000);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await client.AppendAsync(events[(t * 1000) + i]);
            }
        }))).WaitAsync(Eventually.DefaultTimeout);

        var delivered = hosts.Hosts.SelectMany(h => hosts.AcceptedEvents(h.Name)).ToList();
        Assert.Equal(8000, delivered.Count);
        Assert.True(delivered.ToHashSet().SetEquals(events));
        Assert.True(hosts.Created("h2").Count > 1);
        Assert.All(hosts.Created("h2").SkipLast(1), c => Assert.Equal(1, c.DisposeCount));
    }
}
