using Flume.Logging.Testing;

namespace Flume.Logging.Rpc.Tests.Clients;

public sealed class ManualTimeProviderTests
{
    [Fact]
    public void Time_moves_only_on_advance()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var stamp = time.GetTimestamp();

        time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(start + TimeSpan.FromSeconds(3), time.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(3), time.GetElapsedTime(stamp));
    }

    [Fact]
    public void Timers_fire_in_due_order_with_the_clock_at_their_due_time()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var fired = new List<(string Name, TimeSpan At)>();
        using var late = time.CreateTimer(_ => fired.Add(("late", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        using var periodic = time.CreateTimer(_ => fired.Add(("tick", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        time.Advance(TimeSpan.FromMilliseconds(2500));

        Assert.Equal([("tick", TimeSpan.FromSeconds(1)), ("late", TimeSpan.FromSeconds(2)), ("tick", TimeSpan.FromSeconds(2))], fired);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), time.GetUtcNow() - start);
    }

    [Fact]
    public async Task Task_delay_completes_only_when_time_is_advanced_past_it()
    {
        var time = new ManualTimeProvider();

        var delay = Task.Delay(TimeSpan.FromSeconds(5), time);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(delay.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        await delay.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Fact]
    public void Disposed_or_changed_timers_do_not_fire_early()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        var disposed = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var moved = time.CreateTimer(_ => fired += 10, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        disposed.Dispose();
        moved.Change(TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, fired);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, fired);
    }
}
