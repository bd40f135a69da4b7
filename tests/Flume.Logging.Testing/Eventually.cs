using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Testing;

/// <summary>Bounded polling for conditions that another thread or process makes true.</summary>
public static class Eventually
{
    /// <summary>Default bound for a condition in a test: long enough for a loaded CI machine, still bounded.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> until true; fails with <paramref name="what"/> when the time is up.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {limit.TotalSeconds:0.#} s waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until true, moving <paramref name="clock"/> on by <paramref name="step"/>
    /// after each miss, so that work waiting on the manual clock (polls, backoffs) gets to run.
    /// </summary>
    public static Task TrueAdvancingAsync(FakeTimeProvider clock, TimeSpan step, Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(
            () =>
            {
                if (condition())
                {
                    return true;
                }

                clock.Advance(step);
                return condition();
            },
            what,
            timeout);
    }
}
