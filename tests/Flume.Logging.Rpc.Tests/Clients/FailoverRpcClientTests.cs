using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Clients;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Rpc.Tests.Clients;

public sealed class FailoverRpcClientTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLoggerFactory _logs = new();

    private FailoverRpcClient Create(FakeHosts hosts, Action<RpcClientOptions>? configure = null) =>
        new(hosts.Options(RpcClientType.DefaultFailover, configure), hosts.Factory, _logs, _time);

    [Fact]
    public async Task Sticks_to_the_first_host_while_it_works()
    {
        var hosts = new FakeHosts("h1", "h2", "h3");
        await using var client = Create(hosts);

        for (var i = 0; i < 5; i++)
        {
            await client.AppendAsync(FlumeEvent.FromText("x"));
        }

        Assert.Equal(5, hosts.Calls("h1"));
        Assert.Single(hosts.Created("h1"));
        Assert.Empty(hosts.Created("h2"));
        Assert.Empty(hosts.Created("h3"));
    }

    [Fact]
    public async Task Moves_to_the_next_host_with_the_same_events_and_stays_there()
    {
        var hosts = new FakeHosts("h1", "h2", "h3");
        hosts.SetDown("h1");
        await using var client = Create(hosts);
        var batch = Events.Make(3);

        await client.AppendBatchAsync(batch);
        _time.Advance(TimeSpan.FromMinutes(5));
        await client.AppendBatchAsync(Events.Make(2, "next"));

        Assert.Equal(1, hosts.Calls("h1"));
        var accepted = hosts.AcceptedBatches("h2");
        Assert.Equal(2, accepted.Count);
        Assert.Equal(batch, accepted[0]);
        Assert.All(batch.Zip(accepted[0]), pair => Assert.Same(pair.First, pair.Second));
        Assert.Empty(hosts.Created("h3"));
    }

    [Fact]
    public async Task Max_attempts_bounds_the_hosts_tried_per_call()
    {
        var hosts = new FakeHosts("h1", "h2", "h3", "h4");
        foreach (var host in hosts.Hosts)
        {
            hosts.SetDown(host.Name);
        }

        await using var client = Create(hosts, o => o.MaxAttempts = 2);

        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("x")).AsTask());

        Assert.Equal(["h1", "h2"], hosts.Attempts);
        Assert.Empty(hosts.Created("h3"));
        Assert.Empty(hosts.Created("h4"));
    }

    [Fact]
    public async Task Default_max_attempts_tries_every_host_once()
    {
        var hosts = new FakeHosts("h1", "h2", "h3");
        hosts.SetDown("h1");
        hosts.SetDown("h2");
        hosts.SetDown("h3");
        await using var client = Create(hosts, o => o.MaxAttempts = 10);

        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("x")).AsTask());

        Assert.Equal(["h1", "h2", "h3"], hosts.Attempts);
    }

    [Fact]
    public async Task All_failed_message_lists_each_host_and_its_cause()
    {
        var hosts = new FakeHosts("h1", "h2");
        hosts.SetDown("h1");
        hosts.SetDown("h2");
        await using var client = Create(hosts);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendBatchAsync(Events.Make(4)).AsTask());

        Assert.Contains("Could not deliver 4 events after 2 attempt(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("h1 (127.0.0.1:41400): h1 is down", error.Message, StringComparison.Ordinal);
        Assert.Contains("h2 (127.0.0.1:41401): h2 is down", error.Message, StringComparison.Ordinal);
        var causes = Assert.IsType<AggregateException>(error.InnerException);
        Assert.Equal(2, causes.InnerExceptions.Count);
    }

    [Fact]
    public async Task Backed_off_host_is_retried_only_after_its_backoff()
    {
        var hosts = new FakeHosts("h1", "h2");
        hosts.Configure = c => c.FailNext(c.Name == "h1" && hosts.Created("h1").Count == 0 ? 1 : 0);
        await using var client = Create(hosts);

        await client.AppendAsync(FlumeEvent.FromText("a"));
        Assert.Equal(["h1", "h2"], hosts.Attempts);

        hosts.SetDown("h2");
        _time.Advance(TimeSpan.FromMilliseconds(500));
        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("b")).AsTask());
        Assert.Contains("h1 (127.0.0.1:41400): backed off for 0.5 s more", error.Message, StringComparison.Ordinal);
        Assert.Equal(["h1", "h2", "h2"], hosts.Attempts);

        _time.Advance(TimeSpan.FromMilliseconds(499));
        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("c")).AsTask());
        Assert.Equal(1, hosts.Calls("h1"));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await client.AppendAsync(FlumeEvent.FromText("d"));
        Assert.Equal(["d"], hosts.AcceptedEvents("h1").Select(e => System.Text.Encoding.UTF8.GetString(e.Body.Span)));
    }

    [Fact]
    public async Task Every_host_backed_off_fails_without_calling_any()
    {
        var hosts = new FakeHosts("h1", "h2");
        hosts.SetDown("h1");
        hosts.SetDown("h2");
        await using var client = Create(hosts);
        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("a")).AsTask());
        hosts.ClearAttempts();

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("b")).AsTask());

        Assert.Empty(hosts.Attempts);
        Assert.StartsWith("Could not deliver 1 event: every host is backed off", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_larger_than_batch_size_is_split_and_each_chunk_fails_over_on_its_own()
    {
        var hosts = new FakeHosts("h1", "h2");
        var h1Calls = 0;
        hosts.Configure = c =>
        {
            if (c.Name == "h1")
            {
                c.OnCall = (_, _) => ++h1Calls == 2 ? throw new EventDeliveryException("h1 broke on chunk 2") : ValueTask.CompletedTask;
            }
        };
        await using var client = Create(hosts, o => o.BatchSize = 2);
        var events = Events.Make(5);

        await client.AppendBatchAsync(events);

        Assert.Equal(2, client.BatchSize);
        Assert.Equal([events[..2]], hosts.AcceptedBatches("h1"));
        Assert.Equal([events[2..4], events[4..]], hosts.AcceptedBatches("h2"));
    }

    [Fact]
    public async Task Failed_host_client_is_disposed_and_recreated_on_next_use()
    {
        var hosts = new FakeHosts("h1");
        hosts.Configure = c => c.FailNext(hosts.Created("h1").Count == 0 ? 1 : 0);
        await using var client = Create(hosts);

        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("a")).AsTask());
        var first = Assert.Single(hosts.Created("h1"));
        Assert.Equal(1, first.DisposeCount);

        _time.Advance(TimeSpan.FromSeconds(1));
        await client.AppendAsync(FlumeEvent.FromText("b"));

        Assert.Equal(2, hosts.Created("h1").Count);
        Assert.Single(hosts.Latest("h1").Accepted);
        Assert.Equal(0, hosts.Latest("h1").DisposeCount);
    }

    [Fact]
    public async Task A_factory_that_throws_counts_as_a_host_failure()
    {
        var hosts = new FakeHosts("h1", "h2");
        await using var client = new FailoverRpcClient(
            hosts.Options(RpcClientType.DefaultFailover),
            host => host.Name == "h1" ? throw new InvalidOperationException("cannot resolve h1") : hosts.Factory(host),
            _logs,
            _time);

        await client.AppendAsync(FlumeEvent.FromText("a"));

        Assert.Single(hosts.AcceptedEvents("h2"));
        Assert.True(_logs.Contains("cannot resolve h1", LogLevel.Warning), _logs.Dump());
    }

    [Fact]
    public async Task Cancellation_propagates_without_backing_off_the_host()
    {
        var hosts = new FakeHosts("h1", "h2");
        hosts.Configure = c =>
        {
            c.TimeProvider = _time;
            c.ResponseDelay = TimeSpan.FromSeconds(10);
        };
        await using var client = Create(hosts);
        using var cancel = new CancellationTokenSource();

        var pending = client.AppendAsync(FlumeEvent.FromText("a"), cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Eventually.DefaultTimeout));

        hosts.Latest("h1").ResponseDelay = null;
        await client.AppendAsync(FlumeEvent.FromText("b")).AsTask().WaitAsync(Eventually.DefaultTimeout);
        Assert.Single(hosts.AcceptedEvents("h1"));
        Assert.Empty(hosts.Created("h2"));
        Assert.Equal(0, hosts.Latest("h1").DisposeCount);
    }

    [Fact]
    public async Task Logs_a_warning_naming_the_host_and_cause_and_information_when_it_is_used_again()
    {
        var hosts = new FakeHosts("h1");
        hosts.Configure = c => c.FailNext(hosts.Created("h1").Count == 0 ? 1 : 0);
        await using var client = Create(hosts);

        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("a")).AsTask());
        _time.Advance(TimeSpan.FromSeconds(1));
        await client.AppendAsync(FlumeEvent.FromText("b"));

        var warning = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("h1 (127.0.0.1:41400)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("h1 failed as scripted", warning.Message, StringComparison.Ordinal);
        Assert.Contains("skipped for 1 s", warning.Message, StringComparison.Ordinal);
        var information = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Information);
        Assert.Contains("h1 (127.0.0.1:41400) is used again", information.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_callers_deliver_every_event_exactly_once_across_a_failover()
    {
        var hosts = new FakeHosts("h1", "h2");
        hosts.Configure = c => c.FailNext(c.Name == "h1" ? 50 : 0);
        await using var client = Create(hosts);
        var events = Events.Make(8000);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await client.AppendAsync(events[(t * 1000) + i]);
            }
        }))).WaitAsync(Eventually.DefaultTimeout);

        var delivered = hosts.AcceptedEvents("h1").Concat(hosts.AcceptedEvents("h2")).ToHashSet();
        Assert.Equal(8000, hosts.AcceptedEvents("h1").Count + hosts.AcceptedEvents("h2").Count);
        Assert.True(delivered.SetEquals(events));
    }
}
