using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Relay.Sinks.Processors;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Tests.Sinks.Processors;

public sealed class FailoverSinkProcessorTests
{
    private readonly WallClockStepper _time = new();
    private readonly CapturingLoggerFactory _logs = new();
    private readonly List<string> _tried = [];

    private FakeSink Sink(string name) => new(name, _tried);

    private FailoverSinkProcessor Processor(IReadOnlyList<ISink> sinks, params (string Key, string Value)[] properties) =>
        FailoverSinkProcessor.Create(new SinkProcessorBuildContext(
            "g1",
            new ComponentContext("g1", "a1.sinkgroups.g1.processor.", properties.Append((Key: "type", Value: "failover")).ToDictionary(p => p.Key, p => p.Value)),
            sinks,
            new ComponentServices(_logs, _time)));

    private async Task<string[]> StepAsync(FailoverSinkProcessor processor)
    {
        _tried.Clear();
        Assert.Equal(SinkStatus.Ready, await processor.ProcessAsync(CancellationToken.None));
        return [.. _tried];
    }

    [Fact]
    public async Task Delivers_through_the_sink_of_highest_priority()
    {
        var processor = Processor([Sink("k1"), Sink("k2"), Sink("k3")], ("priority.k1", "5"), ("priority.k2", "10"), ("priority.k3", "-3"));

        Assert.Equal(["k2"], await StepAsync(processor));
        Assert.Equal(["k2"], await StepAsync(processor));
    }

    [Fact]
    public async Task Without_priorities_the_first_sink_of_the_group_leads()
    {
        var processor = Processor([Sink("k1"), Sink("k2")]);

        Assert.Equal(["k1"], await StepAsync(processor));
    }

    [Fact]
    public async Task Sinks_without_a_priority_rank_below_those_with_one_in_group_order()
    {
        var k1 = Sink("k1");
        var k2 = Sink("k2");
        var k3 = Sink("k3");
        var processor = Processor([k1, k2, k3], ("priority.k3", "0"));
        k3.Failing = true;

        Assert.Equal(["k3", "k1"], await StepAsync(processor));
        k1.Failing = true;
        Assert.Equal(["k1", "k2"], await StepAsync(processor));
    }

    [Fact]
    public async Task A_failing_sink_fails_over_to_the_next_in_the_same_step_and_is_logged()
    {
        var k1 = Sink("k1");
        var processor = Processor([k1, Sink("k2")], ("priority.k1", "10"), ("priority.k2", "5"));
        k1.Failing = true;

        Assert.Equal(["k1", "k2"], await StepAsync(processor));
        Assert.Equal(["k2"], await StepAsync(processor));
        Assert.True(_logs.Contains("sink group g1: sink k1 failed and is penalised for 1000 ms (1 failures in a row): k1 is down", LogLevel.Warning), _logs.Dump());
    }

    [Fact]
    public async Task The_penalty_doubles_from_one_second_up_to_maxpenalty()
    {
        var k1 = Sink("k1");
        var processor = Processor([k1, Sink("k2")], ("maxpenalty", "5000"));
        k1.Failing = true;
        Assert.Equal(["k1", "k2"], await StepAsync(processor));

        foreach (var penaltyMs in new[] { 1000, 2000, 4000, 5000, 5000 })
        {
            _time.Advance(TimeSpan.FromMilliseconds(penaltyMs - 1));
            Assert.Equal(["k2"], await StepAsync(processor));
            _time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(["k1", "k2"], await StepAsync(processor));
        }

        Assert.True(_logs.Contains("penalised for 5000 ms (6 failures in a row)", LogLevel.Warning), _logs.Dump());
    }

    [Fact]
    public async Task The_default_maxpenalty_is_thirty_seconds()
    {
        var k1 = Sink("k1");
        var processor = Processor([k1, Sink("k2")]);
        k1.Failing = true;
        await StepAsync(processor);
        for (var penalty = 1; penalty <= 16; penalty *= 2)
        {
            _time.Advance(TimeSpan.FromSeconds(penalty));
            Assert.Equal(["k1", "k2"], await StepAsync(processor));
        }

        _time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.Equal(["k2"], await StepAsync(processor));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(["k1", "k2"], await StepAsync(processor));
    }

    [Fact]
    public async Task The_primary_wins_its_traffic_back_once_its_penalty_ends_and_it_delivers()
    {
        var k1 = Sink("k1");
        var k2 = Sink("k2");
        var processor = Processor([k1, k2], ("priority.k1", "10"), ("priority.k2", "5"));
        k1.Failing = true;
        await StepAsync(processor);
        Assert.Equal(["k2"], await StepAsync(processor));

        k1.Failing = false;
        Assert.Equal(["k2"], await StepAsync(processor));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["k1"], await StepAsync(processor));
        Assert.Equal(["k1"], await StepAsync(processor));
        Assert.True(_logs.Contains("sink group g1: sink k1 delivered again after 1 failures and is restored", LogLevel.Information), _logs.Dump());

        // Restored means live: a new failure starts again at the first penalty.
        k1.Failing = true;
        await StepAsync(processor);
        Assert.True(_logs.Contains("sink k1 failed and is penalised for 1000 ms (1 failures in a row)", LogLevel.Warning), _logs.Dump());
    }

    [Theory]
    [InlineData(-3600)]
    [InlineData(3600)]
    public async Task A_wall_clock_step_neither_prolongs_nor_ends_a_penalty(int stepSeconds)
    {
        var k1 = Sink("k1");
        var k2 = Sink("k2");
        var processor = Processor([k1, k2], ("priority.k1", "10"), ("priority.k2", "5"));
        k1.Failing = true;
        await StepAsync(processor);
        k1.Failing = false;

        _time.StepWallClock(TimeSpan.FromSeconds(stepSeconds));
        Assert.Equal(["k2"], await StepAsync(processor));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["k1"], await StepAsync(processor));
    }

    [Fact]
    public async Task A_penalised_sink_that_finds_nothing_to_deliver_stays_penalised_and_the_live_sink_carries_on()
    {
        var k1 = Sink("k1");
        var k2 = Sink("k2");
        var processor = Processor([k1, k2]);
        k1.Failing = true;
        await StepAsync(processor);
        _time.Advance(TimeSpan.FromSeconds(1));
        k1.Failing = false;
        k1.Status = SinkStatus.Backoff;

        Assert.Equal(["k1", "k2"], await StepAsync(processor));
        Assert.Equal(["k1", "k2"], await StepAsync(processor));
        k1.Status = SinkStatus.Ready;
        Assert.Equal(["k1"], await StepAsync(processor));
    }

    [Fact]
    public async Task When_every_sink_fails_the_step_throws_and_penalised_sinks_are_not_called()
    {
        var k1 = Sink("k1");
        var k2 = Sink("k2");
        var processor = Processor([k1, k2]);
        k1.Failing = true;
        k2.Failing = true;

        var error = await Assert.ThrowsAsync<EventDeliveryException>(async () => await processor.ProcessAsync(CancellationToken.None));
        Assert.Contains("sink group g1: no sink left to fail over to", error.Message, StringComparison.Ordinal);
        Assert.Equal(["k1", "k2"], _tried);

        _tried.Clear();
        _time.Advance(TimeSpan.FromMilliseconds(500.25));
        error = await Assert.ThrowsAsync<EventDeliveryException>(async () => await processor.ProcessAsync(CancellationToken.None));
        Assert.Empty(_tried);
        Assert.Contains("the next penalty ends in 500 ms", error.Message, StringComparison.Ordinal);
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
        Assert.Equal([k1, k2], processor.Sinks);
    }

    [Fact]
    public void A_priority_for_a_sink_outside_the_group_is_an_error_naming_the_key()
    {
        var error = Assert.Throws<ConfigurationException>(() => Processor([Sink("k1"), Sink("k2")], ("priority.k9", "1")));

        Assert.Equal("a1.sinkgroups.g1.processor.priority.k9", error.Key);
        Assert.Contains("not in sink group g1 (k1 k2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_priorities_are_an_error_naming_both_keys()
    {
        var error = Assert.Throws<ConfigurationException>(() => Processor([Sink("k1"), Sink("k2")], ("priority.k1", "5"), ("priority.k2", "5")));

        Assert.Equal("a1.sinkgroups.g1.processor.priority.k2", error.Key);
        Assert.Contains("a1.sinkgroups.g1.processor.priority.k1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("priority.k1", "high")]
    [InlineData("maxpenalty", "-1")]
    public void Bad_numbers_are_errors_naming_the_key(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => Processor([Sink("k1"), Sink("k2")], (key, value)));

        Assert.Equal("a1.sinkgroups.g1.processor." + key, error.Key);
    }
}
