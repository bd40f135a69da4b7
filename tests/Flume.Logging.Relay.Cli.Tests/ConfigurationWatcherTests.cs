using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>The poll for configuration changes, on a manual clock: one reload per change, none without.</summary>
public sealed class ConfigurationWatcherTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("watcher-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Each_change_to_any_file_is_reloaded_once_at_the_next_poll_and_an_unchanged_poll_only_retries()
    {
        var first = Path.Combine(_folder, "base.properties");
        var second = Path.Combine(_folder, "override.properties");
        File.WriteAllText(first, "a1.channels = c1\n");
        File.WriteAllText(second, "a1.sinks = k1\n");
        var written = File.GetLastWriteTimeUtc(first);
        var clock = new CountingTimeProvider();
        var watcher = new ConfigurationWatcher([ConfigurationSource.File(first), ConfigurationSource.File(second)], Interval, clock, NullLogger.Instance);
        var reloads = 0;
        var retries = 0;
        using var stop = new CancellationTokenSource();
        var running = watcher.RunAsync(
            _ => { Interlocked.Increment(ref reloads); return Task.CompletedTask; },
            _ => { Interlocked.Increment(ref retries); return Task.CompletedTask; },
            stop.Token);

        // Waits until the watcher sleeps again, so each Advance is one poll.
        async Task PollAsync(TimeSpan step)
        {
            var armed = clock.TimersCreated;
            clock.Advance(step);
            await Eventually.TrueAsync(() => clock.TimersCreated > armed, "the watcher to poll and sleep again");
        }

        await Eventually.TrueAsync(() => clock.ActiveTimerCount == 1, "the watcher to sleep");
        await PollAsync(Interval);
        Assert.Equal(0, Volatile.Read(ref reloads));
        Assert.Equal(1, Volatile.Read(ref retries));

        File.SetLastWriteTimeUtc(second, written.AddMinutes(1));
        clock.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.Equal(0, Volatile.Read(ref reloads));
        await PollAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Volatile.Read(ref reloads));
        Assert.Equal(1, Volatile.Read(ref retries));

        await PollAsync(Interval);
        Assert.Equal(1, Volatile.Read(ref reloads));

        // Same modification time, other length: still a change.
        File.WriteAllText(first, "a1.channels = c1 c2\n");
        File.SetLastWriteTimeUtc(first, written);
        await PollAsync(Interval);
        Assert.Equal(2, Volatile.Read(ref reloads));

        File.Delete(first);
        await PollAsync(Interval);
        Assert.Equal(3, Volatile.Read(ref reloads));

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
