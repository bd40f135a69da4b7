using Flume.Logging.Protocol;
using Flume.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Rpc.Tests.Transport;

/// <summary>The lifecycle the Avro and Thrift clients share, driven through a scripted protocol and a real socket.</summary>
public sealed class SingleHostRpcClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly AcceptingServer _server = new();
    private readonly FakeTimeProvider _time = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Connects_on_first_use_and_reuses_the_connection()
    {
        await using var client = Create();
        Assert.Equal(0, client.Connections);

        await client.AppendAsync(Event("a"));
        await client.AppendBatchAsync([Event("b"), Event("c")]);

        Assert.Equal(1, client.Connections);
        Assert.All(client.Requests, r => Assert.Equal(1, r.Connection));
        await Eventually.TrueAsync(() => _server.Accepted == 1, "one accepted connection");
    }

    [Fact]
    public async Task Splits_a_batch_into_requests_of_at_most_batch_size()
    {
        await using var client = Create(o => o.BatchSize = 3);

        await client.AppendBatchAsync([.. Enumerable.Range(0, 7).Select(i => Event($"e{i}"))]);

        Assert.Equal([new("e0", 0, 3, 1), new("e3", 3, 3, 1), new("e6", 6, 1, 1)], client.Requests);
        Assert.Equal(3, client.BatchSize);
    }

    [Fact]
    public async Task An_empty_batch_sends_nothing_and_opens_no_connection()
    {
        await using var client = Create();

        await client.AppendBatchAsync([]);

        Assert.Empty(client.Requests);
        Assert.Equal(0, client.Connections);
    }

    [Fact]
    public async Task A_status_other_than_OK_names_the_target_and_the_next_call_reconnects()
    {
        await using var client = Create();
        client.Exchange = (r, _) => ValueTask.FromResult(r.First == "bad" ? EventStatus.Failed : EventStatus.Ok);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendBatchAsync([Event("bad")]).AsTask());
        await client.AppendAsync(Event("good"));

        Assert.Equal(
            $"scripted 127.0.0.1:{_server.Host.Port}: appendBatch got Failed (the source could not store the events, most often because its channel is full; the relay's log says why)",
            error.Message);
        Assert.Equal(2, client.Connections);
    }

    [Fact]
    public async Task A_broken_connection_becomes_a_delivery_exception_with_its_cause_and_is_dropped()
    {
        await using var client = Create();
        client.Exchange = (r, _) => r.First == "x" ? throw new IOException("pipe burst") : ValueTask.FromResult(EventStatus.Ok);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(Event("x")).AsTask());
        await client.AppendAsync(Event("y"));

        Assert.Equal($"scripted 127.0.0.1:{_server.Host.Port}: broke: pipe burst", error.Message);
        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal(2, client.Connections);
    }

    [Fact]
    public async Task A_protocol_error_keeps_its_message_and_drops_the_connection()
    {
        await using var client = Create();
        client.Exchange = (r, _) => r.First == "x" ? throw new EventDeliveryException("peer spoke nonsense") : ValueTask.FromResult(EventStatus.Ok);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(Event("x")).AsTask());
        await client.AppendAsync(Event("y"));

        Assert.Equal("peer spoke nonsense", error.Message);
        Assert.Equal(2, client.Connections);
    }

    [Fact]
    public async Task An_unexpected_exception_propagates_and_keeps_the_connection()
    {
        await using var client = Create();
        client.Exchange = (r, _) => r.First == "x" ? throw new InvalidOperationException("caller bug") : ValueTask.FromResult(EventStatus.Ok);

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.AppendAsync(Event("x")).AsTask());
        await client.AppendAsync(Event("y"));

        Assert.Equal(1, client.Connections);
    }

    // idleSeconds: how long the client sat idle after its previous request; the timeout still runs from the new
    // request's start (the deadline's source is re-armed, not left running from the previous request).
    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task A_request_without_answer_times_out_on_the_injected_clock_from_its_own_start_and_is_dropped(int idleSeconds)
    {
        await using var client = Create(o => o.RequestTimeout = TimeSpan.FromSeconds(5));
        await client.AppendAsync(Event("first"));
        _time.Advance(TimeSpan.FromSeconds(idleSeconds));
        client.Exchange = Hang;

        var pending = client.AppendAsync(Event("hangs")).AsTask();
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => pending.WaitAsync(Bound));
        Assert.Equal($"scripted 127.0.0.1:{_server.Host.Port}: request timed out after 5 s", error.Message);
        client.Exchange = (_, _) => ValueTask.FromResult(EventStatus.Ok);
        await client.AppendAsync(Event("after"));
        Assert.Equal(2, client.Connections);
    }

    [Fact]
    public async Task A_deadline_that_ran_out_while_the_client_sat_idle_does_not_fail_the_next_request()
    {
        await using var client = Create(o => o.RequestTimeout = TimeSpan.FromSeconds(5));
        await client.AppendAsync(Event("first"));
        _time.Advance(TimeSpan.FromSeconds(60));

        await client.AppendAsync(Event("second")).AsTask().WaitAsync(Bound);

        Assert.Equal(1, client.Connections);
    }

    [Fact]
    public async Task A_caller_cancelling_after_its_request_completed_leaves_later_requests_alone()
    {
        await using var client = Create();
        using var giveUp = new CancellationTokenSource();
        await client.AppendAsync(Event("first"), giveUp.Token);
        await giveUp.CancelAsync();

        await client.AppendAsync(Event("second")).AsTask().WaitAsync(Bound);

        Assert.Equal(1, client.Connections);
    }

    [Theory]
    [InlineData(true, 2, "opening timed out after 2 s")]
    [InlineData(false, 5, "request timed out after 5 s")]
    public async Task The_first_request_on_a_connection_has_the_deadline_its_protocol_asks_for(bool opensSession, int secondsToTimeout, string message)
    {
        var traits = opensSession ? ScriptedTraits.OpensSessionWithinConnectTimeout : ScriptedTraits.None;
        await using var client = Create(
            o =>
            {
                o.ConnectTimeout = TimeSpan.FromSeconds(2);
                o.RequestTimeout = TimeSpan.FromSeconds(5);
            },
            traits);
        client.Exchange = Hang;

        var pending = client.AppendAsync(Event("hangs")).AsTask();
        await Eventually.TrueAsync(() => client.Requests.Count == 1, "the request to be sent");
        _time.Advance(TimeSpan.FromSeconds(secondsToTimeout - 1));
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => pending.WaitAsync(Bound));
        Assert.EndsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconnects_once_the_reset_interval_has_passed()
    {
        await using var client = Create(o => o.ResetConnectionInterval = TimeSpan.FromSeconds(30));
        await client.AppendAsync(Event("1"));
        _time.Advance(TimeSpan.FromSeconds(29));
        await client.AppendAsync(Event("2"));
        Assert.Equal(1, client.Connections);

        _time.Advance(TimeSpan.FromSeconds(1));
        await client.AppendAsync(Event("3"));

        Assert.Equal(2, client.Connections);
        Assert.Equal([TimeSpan.FromSeconds(30)], client.Resets);
    }

    [Fact]
    public async Task A_caller_giving_up_gets_cancellation_and_the_connection_is_dropped()
    {
        await using var client = Create();
        await client.AppendAsync(Event("first"));
        client.Exchange = Hang;
        using var giveUp = new CancellationTokenSource();

        var pending = client.AppendAsync(Event("hangs"), giveUp.Token).AsTask();
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Bound));
        client.Exchange = (_, _) => ValueTask.FromResult(EventStatus.Ok);
        await client.AppendAsync(Event("after"));
        Assert.Equal(2, client.Connections);
    }

    [Fact]
    public async Task Serves_concurrent_callers_one_request_at_a_time()
    {
        await using var client = Create(o => o.BatchSize = 2);
        var inFlight = 0;
        var most = 0;
        client.Exchange = async (_, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Yield();
            Interlocked.Decrement(ref inFlight);
            return EventStatus.Ok;
        };

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.AppendBatchAsync([Event($"{i}a"), Event($"{i}b"), Event($"{i}c")]).AsTask()));

        Assert.Equal(40, client.Requests.Count);
        Assert.Equal(1, most);
        Assert.Equal(1, client.Connections);
    }

    [Theory]
    [InlineData(true, "a0,a1,b")]
    [InlineData(false, "a0,b,a1")]
    public async Task A_batch_keeps_its_requests_together_only_when_it_holds_the_gate(bool holdsGate, string order)
    {
        await using var client = Create(o => o.BatchSize = 1, holdsGate ? ScriptedTraits.HoldsGateAcrossBatch : ScriptedTraits.None);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Exchange = async (r, _) =>
        {
            if (r.First == "a0")
            {
                await release.Task;
            }

            return EventStatus.Ok;
        };

        var batch = client.AppendBatchAsync([Event("a0"), Event("a1")]).AsTask();
        await Eventually.TrueAsync(() => client.Requests.Count == 1, "the batch's first request");
        var single = client.AppendAsync(Event("b")).AsTask();
        release.SetResult();
        await Task.WhenAll(batch, single).WaitAsync(Bound);

        Assert.Equal(order, string.Join(',', client.Requests.Select(r => r.First)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Use_after_dispose_throws_what_the_protocol_asks_for(bool deliveryFailure)
    {
        var client = Create(traits: deliveryFailure ? ScriptedTraits.UseAfterDisposeIsDeliveryFailure : ScriptedTraits.None);
        await client.AppendAsync(Event("a"));
        await client.DisposeAsync();
        await client.DisposeAsync();

        Assert.False(client.IsActive);
        var error = await Record.ExceptionAsync(() => client.AppendAsync(Event("b")).AsTask());
        var batchError = await Record.ExceptionAsync(() => client.AppendBatchAsync([Event("c")]).AsTask());
        if (deliveryFailure)
        {
            Assert.Equal($"scripted 127.0.0.1:{_server.Host.Port}: the client is closed", Assert.IsType<EventDeliveryException>(error).Message);
            Assert.IsType<EventDeliveryException>(batchError);
        }
        else
        {
            Assert.IsType<ObjectDisposedException>(error);
            Assert.IsType<ObjectDisposedException>(batchError);
        }

        Assert.Single(client.Requests);
    }

    [Theory]
    [InlineData(true, "eof")]
    [InlineData(false, "reset")]
    public async Task Dispose_closes_the_idle_connection_in_order_or_resets_it(bool graceful, string end)
    {
        var client = Create(traits: graceful ? ScriptedTraits.ClosesIdleConnectionGracefully : ScriptedTraits.None);
        await client.AppendAsync(Event("a"));
        await Eventually.TrueAsync(() => _server.Accepted == 1, "the connection to be accepted");

        await client.DisposeAsync();

        Assert.Equal(end, await _server.EndOfAsync(0));
    }

    [Fact]
    public async Task A_failed_request_always_resets_the_connection()
    {
        await using var client = Create(traits: ScriptedTraits.ClosesIdleConnectionGracefully);
        client.Exchange = (_, _) => throw new IOException("pipe burst");
        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(Event("a")).AsTask());
        await Eventually.TrueAsync(() => _server.Accepted == 1, "the connection to be accepted");

        Assert.Equal("reset", await _server.EndOfAsync(0));
    }

    private static FlumeEvent Event(string body) => FlumeEvent.FromText(body);

    private static async ValueTask<EventStatus> Hang(ScriptedRequest request, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return EventStatus.Ok;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var was = Interlocked.CompareExchange(ref target, value, seen);
            if (was == seen)
            {
                return;
            }

            seen = was;
        }
    }

    private ScriptedClient Create(Action<RpcClientOptions>? configure = null, ScriptedTraits traits = ScriptedTraits.None)
    {
        var options = new RpcClientOptions();
        configure?.Invoke(options);
        return new ScriptedClient(_server.Host, options, _time, traits);
    }
}
