using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Sinks;

/// <summary>
/// A runner woken from an empty channel lingers before it takes, so puts in that time join its batch; on a manual
/// clock, whose timers fire only inside an advance, so that nothing here waits on real time.
/// </summary>
public sealed class SinkRunnerLingerTests : IAsyncDisposable
{
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(5);
    private readonly CountingTimeProvider _clock = new();
    private readonly MemoryChannel _channel;
    private readonly NullSink _sink;
    private SinkRunner? _runner;

    public SinkRunnerLingerTests()
    {
        _channel = new MemoryChannel("c1", new MemoryChannelOptions { Capacity = 100, TransactionCapacity = 100 }, _clock, NullLogger<MemoryChannel>.Instance);
        _sink = new NullSink("k1", _channel, batchSize: 100);
    }

    public async ValueTask DisposeAsync()
    {
        if (_runner is not null)
        {
            await _runner.StopAsync(CancellationToken.None);
            _runner.Dispose();
        }
    }

    private async Task StartAsync(TimeSpan linger)
    {
        _runner = new SinkRunner(new DefaultSinkProcessor(_sink), [_channel], _clock, NullLogger<SinkRunner>.Instance, linger);
        await _runner.StartAsync(CancellationToken.None);

        // Idle: it found the channel empty and waits on it, with the idle timeout's timer armed.
        await Eventually.TrueAsync(() => _sink.Counter.BatchEmptyCount >= 1 && _clock.ActiveTimerCount == 1, "the runner waits on the empty channel");
    }

    /// <summary>Puts <paramref name="body"/> into the empty channel; returns once the woken runner lingers on a timer.</summary>
    private async Task WakeWithAsync(string body)
    {
        var timers = _clock.TimersCreated;
        await PutAsync(body);
        await Eventually.TrueAsync(() => _clock.TimersCreated > timers && _clock.ActiveTimerCount == 1, "the woken runner lingers on a timer");
    }

    private async Task PutAsync(string body)
    {
        using var transaction = _channel.BeginTransaction();
        transaction.Put(FlumeEvent.FromText(body));
        await transaction.CommitAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Events_put_while_the_woken_runner_lingers_are_taken_in_its_one_batch_once_the_linger_is_over()
    {
        await StartAsync(Linger);
        await WakeWithAsync("a");
        await PutAsync("b");
        await PutAsync("c");

        // Its only timer has not fired: it cannot have taken anything yet.
        Assert.Equal(0, _sink.Counter.EventDrainSuccessCount);
        _clock.Advance(Linger);

        await Eventually.TrueAsync(() => _sink.Counter.EventDrainSuccessCount == 3, "the three events were taken");
        Assert.Equal(1, _sink.Counter.BatchUnderflowCount);
    }

    [Fact]
    public async Task A_lingering_runner_takes_at_once_when_the_channel_holds_a_whole_transactions_worth()
    {
        await StartAsync(Linger);
        await WakeWithAsync("a");

        // transactionCapacity is 100: with 100 events in the channel the linger ends without the clock moving.
        using (var transaction = _channel.BeginTransaction())
        {
            for (var i = 0; i < 99; i++)
            {
                transaction.Put(FlumeEvent.FromText($"b{i}"));
            }

            await transaction.CommitAsync(CancellationToken.None);
        }

        await Eventually.TrueAsync(() => _sink.Counter.EventDrainSuccessCount == 100, "the hundred events were taken");
        Assert.Equal(1, _sink.Counter.BatchCompleteCount);
    }

    [Fact]
    public async Task A_runner_that_emptied_its_channel_lingers_at_once_and_sleeps_until_a_put_once_a_linger_found_nothing()
    {
        await StartAsync(Linger);
        await WakeWithAsync("a");
        var timers = _clock.TimersCreated;
        _clock.Advance(Linger);
        await Eventually.TrueAsync(() => _sink.Counter.EventDrainSuccessCount == 1, "the event was taken");

        // Having emptied the channel it lingers again without waiting for a put: its timer fires after one linger.
        await Eventually.TrueAsync(() => _clock.TimersCreated > timers && _clock.ActiveTimerCount == 1, "the runner lingers again");
        timers = _clock.TimersCreated;
        var fired = _clock.TimersFired;
        _clock.Advance(Linger);
        Assert.Equal(fired + 1, _clock.TimersFired);

        // That linger found nothing: now it is idle, on the idle wait's timer, which one linger does not fire.
        await Eventually.TrueAsync(() => _clock.TimersCreated > timers && _clock.ActiveTimerCount == 1, "the runner waits idle");
        fired = _clock.TimersFired;
        _clock.Advance(Linger);
        Assert.Equal(fired, _clock.TimersFired);
    }

    [Fact]
    public async Task Without_a_linger_the_runner_takes_each_put_as_it_comes_without_the_clock_moving()
    {
        await StartAsync(TimeSpan.Zero);

        await PutAsync("a");
        await Eventually.TrueAsync(() => _sink.Counter.EventDrainSuccessCount == 1, "the first event was taken");
        await PutAsync("b");
        await Eventually.TrueAsync(() => _sink.Counter.EventDrainSuccessCount == 2, "the second event was taken");

        Assert.Equal(2, _sink.Counter.BatchUnderflowCount);
    }

    [Fact]
    public async Task Stopping_a_lingering_runner_drains_what_it_was_waiting_for()
    {
        await StartAsync(Linger);
        await WakeWithAsync("a");

        await _runner!.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, _sink.Counter.EventDrainSuccessCount);
        _runner.Dispose();
        _runner = null;
    }
}
