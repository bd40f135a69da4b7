using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> whose wall clock (<see cref="GetUtcNow"/>) can also be stepped on its own, forward
/// or back, as an NTP correction or <c>date -s</c> does, while timestamps and timers (the monotonic clock) do not move:
/// for tests that prove a component measures intervals on the monotonic clock. FakeTimeProvider cannot step alone (its
/// timestamps are its wall time, it refuses to go back, and moving it fires timers), and a subclass overriding
/// <see cref="GetUtcNow"/> would shift FakeTimeProvider's timers, which it schedules from that method; so this wraps one.
/// </summary>
public sealed class WallClockStepper : TimeProvider
{
    private long _stepTicks;

    /// <summary>The monotonic clock: its time, timestamps and timers; <see cref="Advance"/> moves it.</summary>
    public FakeTimeProvider Monotonic { get; } = new();

    /// <inheritdoc/>
    public override long TimestampFrequency => Monotonic.TimestampFrequency;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => Monotonic.LocalTimeZone;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => Monotonic.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _stepTicks));

    /// <inheritdoc/>
    public override long GetTimestamp() => Monotonic.GetTimestamp();

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Monotonic.CreateTimer(callback, state, dueTime, period);

    /// <summary>Moves both clocks forward by <paramref name="delta"/>, firing the timers that fall due.</summary>
    public void Advance(TimeSpan delta) => Monotonic.Advance(delta);

    /// <summary>Steps only the wall clock by <paramref name="delta"/>, forward or back.</summary>
    public void StepWallClock(TimeSpan delta) => Interlocked.Add(ref _stepTicks, delta.Ticks);
}
