using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Flume.Logging.Appenders;
using Flume.Logging.Protocol;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;

// The tests call the logger directly, as applications do; the cost of their arguments does not matter here.
#pragma warning disable CA1873

namespace Flume.Logging.Extensions.Tests;

public class FlumeLoggerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static FlumeAppenderOptions Options(Action<FlumeAppenderOptions>? change = null)
    {
        var options = new FlumeAppenderOptions { Hosts = "127.0.0.1:9", PropertiesAsHeaders = true, FlushInterval = TimeSpan.FromHours(1) };
        change?.Invoke(options);
        return options;
    }

    private static FlumeLoggerProvider Provider(FakeRpcClient client, FlumeAppenderOptions? options = null, ConcurrentQueue<string>? selfLog = null) =>
        new(options ?? Options(), selfLog is null ? _ => { } : selfLog.Enqueue, null, "test-host", _ => client);

    private static async Task<FlumeEvent> SingleEventAsync(FlumeLoggerProvider provider, FakeRpcClient client)
    {
        Assert.True(await provider.FlushAsync(Wait));
        return Assert.Single(client.AcceptedEvents);
    }

    [Fact]
    public async Task A_log_call_becomes_an_event_with_log4j_headers_and_the_rendered_message()
    {
        var client = new FakeRpcClient();
        await using var provider = Provider(client);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        provider.CreateLogger("Orders.Api").LogWarning("order {OrderId} is late", 42);

        var sent = await SingleEventAsync(provider, client);
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal("order 42 is late", Encoding.UTF8.GetString(sent.Body.Span));
        Assert.Equal("Orders.Api", sent.Headers[Log4jHeaders.LoggerName]);
        Assert.Equal("30000", sent.Headers[Log4jHeaders.LogLevel]);
        Assert.Equal("test-host", sent.Headers[Log4jHeaders.Address]);
        Assert.Equal("UTF8", sent.Headers[Log4jHeaders.MessageEncoding]);
        var timestamp = long.Parse(sent.Headers[Log4jHeaders.Timestamp], CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, before, after);
    }

    [Fact]
    public async Task A_property_value_is_sent_as_it_was_at_the_call_even_if_the_object_changes_afterwards()
    {
        var client = new FakeRpcClient();
        await using var provider = Provider(client);
        var cart = new Cart { Items = 1 };
        var state = new List<KeyValuePair<string, object?>> { new("Cart", cart), new("Count", 3), new("When", new DateTime(2026, 12, 4, 0, 0, 0, DateTimeKind.Utc)) };

        provider.CreateLogger("Shop").Log(LogLevel.Information, default, state, null, (_, _) => "checkout");
        cart.Items = 99;

        var sent = await SingleEventAsync(provider, client);
        Assert.Equal("cart with 1 items", sent.Headers["Cart"]);
        Assert.Equal("3", sent.Headers["Count"]);
        Assert.Equal("12/04/2026 00:00:00", sent.Headers["When"]);
    }

    private sealed class Cart
    {
        public int Items { get; set; }

        public override string ToString() => $"cart with {Items} items";
    }

    [Fact]
    public async Task Calls_waiting_in_the_queue_keep_their_own_properties()
    {
        var client = new FakeRpcClient();
        await using var provider = Provider(client);
        var logger = provider.CreateLogger("Orders.Api");

        // The events are built on the delivery loop after all three calls returned.
        for (var order = 1; order <= 3; order++)
        {
            logger.LogInformation("order {OrderId} shipped", order);
        }

        Assert.True(await provider.FlushAsync(Wait));
        Assert.Equal(3, client.AcceptedEvents.Count);
        Assert.All(client.AcceptedEvents, e => Assert.Equal($"order {e.Headers["OrderId"]} shipped", Encoding.UTF8.GetString(e.Body.Span)));
    }

    [Theory]
    [InlineData(LogLevel.Trace, "5000")]
    [InlineData(LogLevel.Debug, "10000")]
    [InlineData(LogLevel.Information, "20000")]
    [InlineData(LogLevel.Error, "40000")]
    [InlineData(LogLevel.Critical, "50000")]
    public async Task Levels_are_sent_as_log4j_numbers(LogLevel level, string log4j)
    {
        var client = new FakeRpcClient();
        await using var provider = Provider(client);

        provider.CreateLogger("c").Log(level, "m");

        Assert.Equal(log4j, (await SingleEventAsync(provider, client)).Headers[Log4jHeaders.LogLevel]);
    }

    [Fact]
    public async Task LogLevel_None_is_neither_enabled_nor_sent()
    {
        var client = new FakeRpcClient();
        await using var provider = Provider(client);
        var logger = provider.CreateLogger("c");

        Assert.False(logger.IsEnabled(LogLevel.None));
        logger.Log(LogLevel.None, "m");

        Assert.True(await provider.FlushAsync(Wait));
        Assert.Empty(client.AcceptedEvents);
        Assert.Equal(0, provider.EventsEnqueued);
    }

    [Fact]
    public async Task Structured_state_scopes_and_event_id_become_headers_but_the_template_does_not()
    {
        var client = new FakeRpcClient();
        await using var provider = Provider(client);
        var logger = provider.CreateLogger("c");

        using (logger.BeginScope("request {RequestId}", "r-7"))
        using (logger.BeginScope(new Dictionary<string, object?> { ["Tenant"] = "acme", ["Shard"] = 3 }))
        using (logger.BeginScope("outer text"))
        using (logger.BeginScope("inner text"))
        {
            logger.LogInformation(new EventId(12, "Paid"), "paid {Amount} by {User}", 9.5m, "ann");
        }

        var headers = (await SingleEventAsync(provider, client)).Headers;
        Assert.Equal("r-7", headers["RequestId"]);
        Assert.Equal("acme", headers["Tenant"]);
        Assert.Equal("3", headers["Shard"]);
        Assert.Equal("outer text => inner text", headers[FlumeLogger.ScopeProperty]);
        Assert.Equal("9.5", headers["Amount"]);
        Assert.Equal("ann", headers["User"]);
        Assert.Equal("12", headers[FlumeLogger.EventIdProperty]);
        Assert.Equal("Paid", headers[FlumeLogger.EventNameProperty]);
        Assert.False(headers.ContainsKey(FlumeLogger.OriginalFormat));
    }

    [Fact]
    public async Task State_overrides_a_scope_property_of_the_same_name()
    {
        var client = new FakeRpcClient();
        await using var provider = Provider(client);
        var logger = provider.CreateLogger("c");

        using (logger.BeginScope("user {User}", "from-scope"))
        {
            logger.LogInformation("by {User}", "from-state");
        }

        Assert.Equal("from-state", (await SingleEventAsync(provider, client)).Headers["User"]);
    }

    [Fact]
    public async Task Scopes_end_with_their_using_block()
    {
        var client = new FakeRpcClient();
        await using var provider = Provider(client);
        var logger = provider.CreateLogger("c");

        using (logger.BeginScope("in scope"))
        {
            logger.LogInformation("first");
        }

        logger.LogInformation("second");

        Assert.True(await provider.FlushAsync(Wait));
        var events = client.AcceptedEvents;
        Assert.Equal(2, events.Count);
        Assert.Equal("in scope", events[0].Headers[FlumeLogger.ScopeProperty]);
        Assert.False(events[1].Headers.ContainsKey(FlumeLogger.ScopeProperty));
    }

    [Fact]
    public async Task Properties_stay_out_of_the_headers_when_PropertiesAsHeaders_is_off()
    {
        var client = new FakeRpcClient();
        await using var provider = Provider(client, Options(o => o.PropertiesAsHeaders = false));

        provider.CreateLogger("c").LogInformation("by {User}", "ann");

        var sent = await SingleEventAsync(provider, client);
        Assert.False(sent.Headers.ContainsKey("User"));
        Assert.Equal("by ann", Encoding.UTF8.GetString(sent.Body.Span));
    }

    [Fact]
    public async Task A_throwing_formatter_is_counted_as_dropped_reported_to_the_self_log_and_does_not_reach_the_caller()
    {
        var client = new FakeRpcClient();
        var selfLog = new ConcurrentQueue<string>();
        await using var provider = Provider(client, selfLog: selfLog);
        var logger = provider.CreateLogger("Broken");

        logger.Log<object?>(LogLevel.Error, default, null, null, (_, _) => throw new FormatException("bad template"));
        logger.LogInformation("after");

        Assert.Equal(1, provider.EventsDropped);
        await Eventually.TrueAsync(() => !selfLog.IsEmpty, "the drop report, written from the thread pool");
        var line = Assert.Single(selfLog);
        Assert.Contains("Broken", line, StringComparison.Ordinal);
        Assert.Contains("bad template", line, StringComparison.Ordinal);
        Assert.Equal("after", Encoding.UTF8.GetString((await SingleEventAsync(provider, client)).Body.Span));
    }

    [Fact]
    public async Task Disposing_the_provider_sends_what_is_still_queued()
    {
        var client = new FakeRpcClient();
        var provider = Provider(client);
        var logger = provider.CreateLogger("c");
        for (var i = 0; i < 250; i++)
        {
            logger.LogInformation("event {I}", i);
        }

        provider.Dispose();

        Assert.Equal(250, client.AcceptedEvents.Count);
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"event {i}"), client.AcceptedEvents.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
    }

    [Fact]
    public async Task Log_calls_after_dispose_are_dropped_and_reported_without_throwing()
    {
        var client = new FakeRpcClient();
        var selfLog = new ConcurrentQueue<string>();
        var provider = Provider(client, selfLog: selfLog);
        var logger = provider.CreateLogger("c");
        await provider.DisposeAsync();

        logger.LogInformation("too late");

        Assert.Equal(1, provider.EventsDropped);
        Assert.Empty(client.AcceptedEvents);
    }

    [Fact]
    public async Task Drops_on_a_full_queue_are_counted_and_reported_to_the_self_log()
    {
        var client = new FakeRpcClient();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var logged = new ManualResetEventSlim();
        client.OnCall = async (_, cancellationToken) =>
        {
            // The loop stays inside its first send until the test has logged: while a send is on the wire the loop
            // takes queued events into the next batch, and that take must not race the calls counted below.
            if (entered.TrySetResult())
            {
                logged.Wait(Wait, cancellationToken);
            }

            await release.Task;
        };
        var selfLog = new ConcurrentQueue<string>();
        var provider = Provider(client, Options(o => { o.QueueLimit = 2; o.BatchSize = 1; o.Overflow = OverflowMode.DropNewest; }), selfLog);
        var logger = provider.CreateLogger("c");

        logger.LogInformation("held");
        await entered.Task.WaitAsync(Wait);
        for (var i = 0; i < 5; i++)
        {
            logger.LogInformation("queued or dropped {I}", i);
        }

        logged.Set();
        release.SetResult();
        await provider.DisposeAsync();

        Assert.Equal(3, provider.EventsDropped);
        Assert.Equal(3, client.AcceptedEvents.Count);
        Assert.Contains(selfLog, line => line.Contains("3 dropped in total", StringComparison.Ordinal));
    }
}
