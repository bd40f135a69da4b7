using Flume.Logging.Testing;

namespace Flume.Logging.Rpc.Tests.Clients;

/// <summary>What the shared test clocks add to FakeTimeProvider: timer counts, and a wall clock stepped on its own.</summary>
public sealed class TestClockTests
{
    [Fact]
    public void Timers_count_as_active_until_a_one_shot_fires_or_a_timer_is_disposed()
    {
        var time = new CountingTimeProvider();
        var fired = 0;
        using var oneShot = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var periodic = time.CreateTimer(_ => fired += 10, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        using var idle = time.CreateTimer(_ => fired += 100, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Assert.Equal(3, time.TimersCreated);
        Assert.Equal(2, time.ActiveTimerCount);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(11, fired);
        Assert.Equal(1, time.ActiveTimerCount);
        Assert.Equal(2, time.TimersFired);

        periodic.Dispose();
        idle.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        Assert.Equal(1, time.ActiveTimerCount);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(111, fired);
        Assert.Equal(0, time.ActiveTimerCount);
        Assert.Equal(3, time.TimersCreated);
    }

    [Fact]
    public void A_timer_re_armed_in_its_callback_counts_from_the_end_of_the_advance_that_fired_it()
    {
        var time = new CountingTimeProvider();
        var start = time.GetUtcNow();
        var seen = new List<TimeSpan>();
        ITimer? timer = null;
        timer = time.CreateTimer(
            _ =>
            {
                seen.Add(time.GetUtcNow() - start);
                timer!.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
            },
            null,
            TimeSpan.FromSeconds(1),
            Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal([TimeSpan.FromSeconds(3)], seen);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4)], seen);
        Assert.Equal(1, time.ActiveTimerCount);
        Assert.Equal(1, time.TimersCreated);
        timer.Dispose();
    }

    [Fact]
    public async Task Task_delay_on_the_counting_clock_is_one_timer_gone_once_it_completes()
    {
        var time = new CountingTimeProvider();

        var delay = Task.Delay(TimeSpan.FromSeconds(5), time);
        Assert.Equal(1, time.ActiveTimerCount);
        time.Advance(TimeSpan.FromSeconds(5));

        await delay.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Theory]
    [InlineData(-3600)]
    [InlineData(3600)]
    public void A_wall_clock_step_moves_neither_timestamps_nor_timers(int stepSeconds)
    {
        var time = new WallClockStepper();
        var wall = time.GetUtcNow();
        var stamp = time.GetTimestamp();
        var fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);

        time.StepWallClock(TimeSpan.FromSeconds(stepSeconds));
        Assert.Equal(wall + TimeSpan.FromSeconds(stepSeconds), time.GetUtcNow());
        Assert.Equal(TimeSpan.Zero, time.GetElapsedTime(stamp));
        Assert.Equal(0, fired);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, fired);
        Assert.Equal(TimeSpan.FromSeconds(2), time.GetElapsedTime(stamp));
        Assert.Equal(wall + TimeSpan.FromSeconds(stepSeconds + 2), time.GetUtcNow());
    }
}
