using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Relay.Sinks.Http;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Sinks.Http;

public sealed class HttpSinkTests : IAsyncDisposable
{
    private readonly StatusServer _server = new();
    private readonly MemoryChannel _channel = new(
        "c1", new MemoryChannelOptions { Capacity = 100, TransactionCapacity = 100, KeepAlive = TimeSpan.Zero }, TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private HttpSink Sink(params (string Key, string Value)[] properties)
    {
        var all = new Dictionary<string, string> { ["endpoint"] = _server.Endpoint.ToString() };
        foreach (var (key, value) in properties)
        {
            all[key] = value;
        }

        return new HttpSink("k1", _channel, HttpSinkOptions.From(new ComponentContext("k1", "a1.sinks.k1.", all)), NullLogger<HttpSink>.Instance);
    }

    /// <summary>The user guide's example: 200 and 4XX committed and counted, anything else rolled back with a backoff.</summary>
    private HttpSink GuideExample() => Sink(
        ("connectTimeout", "2000"),
        ("requestTimeout", "2000"),
        ("acceptHeader", "application/json"),
        ("contentTypeHeader", "application/json"),
        ("defaultBackoff", "true"),
        ("defaultRollback", "true"),
        ("defaultIncrementMetrics", "false"),
        ("backoff.4XX", "false"),
        ("rollback.4XX", "false"),
        ("incrementMetrics.4XX", "true"),
        ("backoff.200", "false"),
        ("rollback.200", "false"),
        ("incrementMetrics.200", "true"));

    [Fact]
    public async Task A_200_under_the_guides_example_commits_counts_and_posts_the_body_with_the_configured_headers()
    {
        await using var sink = GuideExample();
        await _channel.PutTextAsync("{\"a\":1}");

        var status = await sink.ProcessAsync(CancellationToken.None);

        Assert.Equal(SinkStatus.Ready, status);
        Assert.Equal(0, _channel.Size);
        Assert.Equal(1, sink.Counter.EventDrainSuccessCount);
        var (headers, body) = Assert.Single(_server.Requests);
        Assert.StartsWith("POST /events HTTP/1.1", headers, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/json", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Accept: application/json", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("{\"a\":1}", body);
    }

    [Fact]
    public async Task With_only_an_endpoint_a_200_rolls_back_as_in_Flume_and_the_start_and_the_failure_say_which_overrides_fix_it()
    {
        using var logs = new CapturingLoggerFactory();
        await using var sink = new HttpSink(
            "k1", _channel, HttpSinkOptions.From(new ComponentContext("k1", "a1.sinks.k1.", new Dictionary<string, string> { ["endpoint"] = _server.Endpoint.ToString() })),
            logs.CreateLogger<HttpSink>());
        await sink.StartAsync(CancellationToken.None);
        await _channel.PutTextAsync("sent twice");

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => sink.ProcessAsync(CancellationToken.None).AsTask());

        Assert.True(logs.Contains("a 200 answer rolls the event back and it is posted again", LogLevel.Warning), logs.Dump());
        Assert.EndsWith("set rollback.2XX = false and backoff.2XX = false to take 2xx answers as delivered)", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _channel.Size);
    }

    [Fact]
    public async Task The_guides_example_starts_without_the_warning()
    {
        using var logs = new CapturingLoggerFactory();
        await using var sink = new HttpSink(
            "k1", _channel, HttpSinkOptions.From(new ComponentContext("k1", "a1.sinks.k1.", new Dictionary<string, string> { ["endpoint"] = _server.Endpoint.ToString(), ["rollback.200"] = "false" })),
            logs.CreateLogger<HttpSink>());

        await sink.StartAsync(CancellationToken.None);

        Assert.False(logs.Contains("rolls the event back"), logs.Dump());
    }

    [Fact]
    public async Task A_503_under_the_guides_example_keeps_the_event_and_fails_the_step_so_the_runner_backs_off()
    {
        await using var sink = GuideExample();
        await _channel.PutTextAsync("retry me");
        _server.Statuses.Enqueue(503);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => sink.ProcessAsync(CancellationToken.None).AsTask());

        Assert.Contains("503", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _channel.Size);
        Assert.Equal(0, sink.Counter.EventDrainSuccessCount);

        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));
        Assert.Equal(0, _channel.Size);
        Assert.Equal(["retry me", "retry me"], _server.Requests.Select(r => r.Body));
    }

    [Fact]
    public async Task A_4XX_under_the_guides_example_drops_the_event_without_backing_off()
    {
        await using var sink = GuideExample();
        await _channel.PutTextAsync("bad request");
        _server.Statuses.Enqueue(422);

        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));
        Assert.Equal(0, _channel.Size);
        Assert.Equal(1, sink.Counter.EventDrainSuccessCount);
    }

    [Fact]
    public async Task The_most_specific_override_wins_over_its_class_and_the_defaults()
    {
        await using var sink = Sink(("rollback.2XX", "false"), ("rollback.201", "true"), ("backoff.2xx", "false"));
        await _channel.PutTextAsync("one");
        _server.Statuses.Enqueue(201);

        // 201: its own rollback (true) with the class's backoff (false): back in the channel, retried at once.
        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));
        Assert.Equal(1, _channel.Size);

        // 200: the class's rollback (false): committed.
        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));
        Assert.Equal(0, _channel.Size);
    }

    [Fact]
    public async Task Flumes_defaults_roll_back_even_a_200_and_back_off()
    {
        await using var sink = Sink();
        await _channel.PutTextAsync("x");

        await Assert.ThrowsAsync<EventDeliveryException>(() => sink.ProcessAsync(CancellationToken.None).AsTask());

        Assert.Equal(1, _channel.Size);
    }

    [Fact]
    public async Task An_endpoint_that_never_answers_fails_the_step_at_the_request_timeout_and_keeps_the_event()
    {
        await using var sink = Sink(("requestTimeout", "300"), ("rollback.2XX", "false"));
        await _channel.PutTextAsync("slow");
        _server.Silent = true;

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => sink.ProcessAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Contains("requestTimeout 300 ms", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _channel.Size);
    }

    [Fact]
    public async Task An_empty_event_is_consumed_without_a_request()
    {
        await using var sink = Sink();
        await _channel.PutAsync(new FlumeEvent(null, ReadOnlyMemory<byte>.Empty));

        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));

        Assert.Equal(0, _channel.Size);
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [InlineData("backoff.2X", "true")]
    [InlineData("rollback.600", "true")]
    [InlineData("incrementMetrics.abc", "true")]
    [InlineData("endpoint", "not a url")]
    [InlineData("connectTimeout", "0")]
    public void A_bad_property_is_refused_naming_its_key(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => Sink((key, value)));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
    }
}
