using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Relay.Sinks.Processors;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Sinks.Processors;

public sealed class LoadBalancingSinkProcessorTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLoggerFactory _logs = new();
    private readonly List<string> _tried = [];

    private FakeSink Sink(string name) => new(name, _tried);

    private LoadBalancingSinkProcessor Processor(IReadOnlyList<ISink> sinks, params (string Key, string Value)[] properties) =>
        Processor(sinks, new Random(7), properties);

    private LoadBalancingSinkProcessor Processor(IReadOnlyList<ISink> sinks, Random random, params (string Key, string Value)[] properties) =>
        LoadBalancingSinkProcessor.Create(
            new SinkProcessorBuildContext(
                "g1",
                new ComponentContext("g1", "a1.sinkgroups.g1.processor.", properties.Append((Key: "type", Value: "load_balance")).ToDictionary(p => p.Key, p => p.Value)),
                sinks,
                new ComponentServices(_logs, _time)),
            random);

    private async Task<string[]> StepAsync(LoadBalancingSinkProcessor processor)
    {
        _tried.Clear();
        await processor.ProcessAsync(CancellationToken.None);
        return [.. _tried];
    }

    private async Task<string> StepsAsync(LoadBalancingSinkProcessor processor, int steps)
    {
        var all = new List<string>();
        for (var i = 0; i < steps; i++)
        {
            all.Add(string.Join("+", await StepAsync(processor)));
        }

        return string.Join(" ", all);
    }

    /// <summary>How often k1 is tried in two steps: once when it is available (whichever sink the rotation starts at), else never.</summary>
    private async Task<int> K1TriesInTwoStepsAsync(LoadBalancingSinkProcessor processor)
    {
        var steps = await StepsAsync(processor, 2);
        return steps.Split(' ', '+').Count(s => s == "k1");
    }

    [Fact]
    public async Task Round_robin_is_the_default_and_rotates_through_the_sinks_in_group_order()
    {
        var processor = Processor([Sink("k1"), Sink("k2"), Sink("k3")]);

        Assert.Equal("k1 k2 k3 k1 k2", await StepsAsync(processor, 5));
    }

    [Fact]
    public async Task An_empty_channel_ends_the_step_like_a_delivery()
    {
        var k1 = Sink("k1");
        k1.Status = SinkStatus.Backoff;
        var processor = Processor([k1, Sink("k2")]);

        Assert.Equal(SinkStatus.Backoff, await processor.ProcessAsync(CancellationToken.None));
        Assert.Equal(["k1"], _tried);
    }

    [Fact]
    public async Task Without_backoff_a_failing_sink_is_tried_every_time_and_its_share_goes_to_the_next()
    {
        var k2 = Sink("k2");
        var processor = Processor([Sink("k1"), k2, Sink("k3")]);
        k2.Failing = true;

        Assert.Equal("k1 k2+k3 k3 k1 k2+k3", await StepsAsync(processor, 5));
        Assert.True(_logs.Contains("sink group g1: sink k2 failed (2 failures in a row), trying the next sink: k2 is down; next warning at 4 failures in a row", LogLevel.Warning), _logs.Dump());
    }

    [Fact]
    public async Task Without_backoff_a_dead_sink_warns_at_1_2_4_8_failures_in_a_row_and_logs_the_rest_at_debug()
    {
        var k2 = Sink("k2");
        var processor = Processor([Sink("k1"), k2]);
        k2.Failing = true;

        await StepsAsync(processor, 200);

        var warned = _logs.Entries
            .Where(e => e.Level == LogLevel.Warning && e.Message.Contains("sink k2 failed", StringComparison.Ordinal))
            .Select(e => e.Message[(e.Message.IndexOf('(', StringComparison.Ordinal) + 1)..e.Message.IndexOf(' ', e.Message.IndexOf('(', StringComparison.Ordinal))])
            .ToList();
        Assert.Equal(["1", "2", "4", "8", "16", "32", "64"], warned);
        Assert.Equal(100 - warned.Count, _logs.Entries.Count(e => e.Level == LogLevel.Debug && e.Message.Contains("sink k2 failed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Random_order_follows_the_injected_random_and_reaches_every_sink()
    {
        var a = Processor([Sink("k1"), Sink("k2"), Sink("k3")], new Random(42), ("selector", "random"));
        var b = Processor([Sink("k1"), Sink("k2"), Sink("k3")], new Random(42), ("selector", "random"));
        var c = Processor([Sink("k1"), Sink("k2"), Sink("k3")], new Random(43), ("selector", "random"));

        var first = await StepsAsync(a, 60);
        Assert.Equal(first, await StepsAsync(b, 60));
        Assert.NotEqual(first, await StepsAsync(c, 60));
        foreach (var name in new[] { "k1", "k2", "k3" })
        {
            Assert.InRange(first.Split(' ').Count(s => s == name), 8, 40);
        }

        Assert.NotEqual(await StepsAsync(Processor([Sink("k1"), Sink("k2"), Sink("k3")]), 60), first);
    }

    [Fact]
    public async Task Random_order_tries_every_sink_once_when_all_fail()
    {
        var sinks = new[] { Sink("k1"), Sink("k2"), Sink("k3") };
        foreach (var sink in sinks)
        {
            sink.Failing = true;
        }

        var processor = Processor(sinks, new Random(1), ("selector", "random"));
        for (var i = 0; i < 10; i++)
        {
            _tried.Clear();
            await Assert.ThrowsAsync<EventDeliveryException>(async () => await processor.ProcessAsync(CancellationToken.None));
            Assert.Equal(["k1", "k2", "k3"], _tried.Order());
        }
    }

    [Fact]
    public async Task With_backoff_a_failed_sink_is_skipped_for_one_second_doubling_up_to_maxTimeOut()
    {
        var k1 = Sink("k1");
        var processor = Processor([k1, Sink("k2")], ("backoff", "true"), ("selector.maxTimeOut", "3000"));
        k1.Failing = true;
        Assert.Equal(["k1", "k2"], await StepAsync(processor));
        Assert.True(_logs.Contains("sink group g1: sink k1 failed and is backed off for 1000 ms (1 failures in a row): k1 is down", LogLevel.Warning), _logs.Dump());

        foreach (var backoffMs in new[] { 1000, 2000, 3000, 3000 })
        {
            _time.Advance(TimeSpan.FromMilliseconds(backoffMs - 1));
            Assert.Equal("k2 k2 k2", await StepsAsync(processor, 3));
            _time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, await K1TriesInTwoStepsAsync(processor));
        }

        Assert.True(_logs.Contains("backed off for 3000 ms (5 failures in a row)", LogLevel.Warning), _logs.Dump());
    }

    [Fact]
    public async Task A_backed_off_sink_that_delivers_again_is_restored_to_the_rotation()
    {
        var k1 = Sink("k1");
        var processor = Processor([k1, Sink("k2")], ("backoff", "true"));
        k1.Failing = true;
        await StepAsync(processor);
        k1.Failing = false;
        Assert.Equal("k2 k2", await StepsAsync(processor, 2));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("k1 k2 k1 k2", await StepsAsync(processor, 4));
        Assert.True(_logs.Contains("sink group g1: sink k1 delivered again after 1 failures and is restored", LogLevel.Information), _logs.Dump());
    }

    [Fact]
    public async Task The_default_maxTimeOut_is_thirty_seconds()
    {
        var k1 = Sink("k1");
        var processor = Processor([k1, Sink("k2")], ("backoff", "true"));
        k1.Failing = true;
        await StepAsync(processor);
        for (var backoff = 1; backoff <= 16; backoff *= 2)
        {
            _time.Advance(TimeSpan.FromSeconds(backoff));
            Assert.Equal(1, await K1TriesInTwoStepsAsync(processor));
        }

        _time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.Equal(0, await K1TriesInTwoStepsAsync(processor));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, await K1TriesInTwoStepsAsync(processor));
    }

    [Fact]
    public async Task When_every_sink_fails_the_step_throws_with_the_last_failure()
    {
        var k1 = Sink("k1");
        var k2 = Sink("k2");
        k1.Failing = true;
        k2.Failing = true;
        var processor = Processor([k1, k2]);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(async () => await processor.ProcessAsync(CancellationToken.None));

        Assert.Equal(["k1", "k2"], _tried);
        Assert.Contains("sink group g1: every sink failed; last: k2 is down", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_every_sink_is_backed_off_the_step_throws_without_calling_any()
    {
        var k1 = Sink("k1");
        var k2 = Sink("k2");
        k1.Failing = true;
        k2.Failing = true;
        var processor = Processor([k1, k2], ("backoff", "true"));
        await Assert.ThrowsAsync<EventDeliveryException>(async () => await processor.ProcessAsync(CancellationToken.None));
        _tried.Clear();

        var error = await Assert.ThrowsAsync<EventDeliveryException>(async () => await processor.ProcessAsync(CancellationToken.None));

        Assert.Empty(_tried);
        Assert.Contains("sink group g1: every sink is backed off", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starts_and_stops_every_member()
    {
        var k1 = Sink("k1");
        var k2 = Sink("k2");
        var processor = Processor([k1, k2]);

        await processor.StartAsync(CancellationToken.None);
        Assert.True(k1.Started && k2.Started);
        await processor.StopAsync(CancellationToken.None);
        Assert.True(k1.Stopped && k2.Stopped);
        Assert.Equal("g1", processor.Name);
    }

    [Theory]
    [InlineData("selector", "weighted")]
    [InlineData("backoff", "yes")]
    [InlineData("selector.maxTimeOut", "soon")]
    public void Bad_values_are_errors_naming_the_key(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => Processor([Sink("k1")], (key, value)));

        Assert.Equal("a1.sinkgroups.g1.processor." + key, error.Key);
    }
}
